package dev.comfyagent.instrument.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InputSummaryTest {

  private final InputSummary summary = new InputSummary(200, TreeReader.NONE);

  @Test
  void rendersNamesAndValuesInOrder() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("path", "/work/flows/portrait.json");
    arguments.put("seed", 42);
    arguments.put("dry_run", true);
    arguments.put("nodes", List.of("3", "7"));
    arguments.put("patch", Map.of("op", "replace"));
    arguments.put("missing", null);
    assertThat(summary.ofArguments(arguments))
        .isEqualTo(
            "path=/work/flows/portrait.json, seed=42, dry_run=true, nodes=[3, 7], patch={op=replace}, missing=null");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "token",
        "api_key",
        "ComfyUI-Secret",
        "PASSWORD",
        "Authorization",
        "session_cookie",
        "refreshToken"
      })
  void redactsValuesUnderSecretLookingKeys(String key) {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put(key, "hunter2");
    assertThat(summary.ofArguments(arguments))
        .isEqualTo(key + "=[redacted]")
        .doesNotContain("hunter2");
  }

  @Test
  void redactsSecretsAtAnyDepthAndWholeSecretObjects() {
    Map<String, Object> arguments =
        Map.of(
            "server",
            Map.of("auth", Map.of("password", "pw")),
            "credentials_token",
            Map.of("a", "b"));
    String rendered = summary.ofArguments(arguments);
    assertThat(rendered).contains("password=[redacted]").contains("credentials_token=[redacted]");
    assertThat(rendered).doesNotContain("pw}").doesNotContain("a=b");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 10, 50, 199})
  void isCutToTheBoundWithAnEllipsis(int max) {
    String big = "x".repeat(1000);
    String rendered = new InputSummary(max, TreeReader.NONE).ofArguments(Map.of("workflow", big));
    assertThat(rendered).hasSize(max).endsWith("…");
  }

  @Test
  void stopsWalkingLargeStructuresAtTheBound() {
    List<Integer> many = new java.util.ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      many.add(i);
    }
    assertThat(new InputSummary(30, TreeReader.NONE).ofArguments(Map.of("ids", many))).hasSize(30);
  }

  @Test
  void shortSummariesAreNotCut() {
    assertThat(summary.ofArguments(Map.of("a", "b"))).isEqualTo("a=b");
  }

  @Test
  void zeroBoundTurnsSummariesOff() {
    assertThat(new InputSummary(0, TreeReader.NONE).ofArguments(Map.of("a", "b"))).isNull();
    assertThat(
            new InputSummary(0, TreeReader.NONE).ofParameters(new String[] {"a"}, new Object[] {1}))
        .isNull();
  }

  @Test
  void parametersAreNamedAndHostObjectsAreNotRendered() {
    assertThat(
            summary.ofParameters(
                new String[] {"prompt", "steps", "client", "apiKey"},
                new Object[] {"a fox", 20, new StringBuilderHolder(), "k"}))
        .isEqualTo("prompt=a fox, steps=20, client=<StringBuilderHolder>, apiKey=[redacted]");
  }

  @Test
  void unnamedParametersGetPositionalNames() {
    assertThat(summary.ofParameters(null, new Object[] {1, new int[] {2, 3}, Thread.State.NEW}))
        .isEqualTo("arg0=1, arg1=[2, 3], arg2=NEW");
  }

  private static final class StringBuilderHolder {
    @Override
    public String toString() {
      throw new AssertionError("a host object's toString must not run");
    }
  }
}
