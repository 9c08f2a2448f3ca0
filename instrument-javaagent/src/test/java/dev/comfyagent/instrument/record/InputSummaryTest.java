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
  void aWholeNumberIsWrittenAndCutAtTheBoundExactlyAsItsText() {
    long[] values = {0, 7, -7, 10, -1000, 1_125_899_906_842_597L, Long.MAX_VALUE, Long.MIN_VALUE};
    for (int max = 1; max <= 24; max++) {
      for (int prefix = 0; prefix <= max; prefix++) {
        for (long value : values) {
          SummaryText digits = new SummaryText(max);
          SummaryText text = new SummaryText(max);
          digits.start();
          text.start();
          digits.append("x".repeat(prefix)).append(value).append('!');
          text.append("x".repeat(prefix)).append(Long.toString(value)).append('!');
          digits.finish();
          text.finish();
          assertThat(digits.text())
              .as("%d after %d chars, bound %d", value, prefix, max)
              .isEqualTo(text.text());
        }
      }
    }
  }

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

  @Test
  void anEmptyArgumentsMapIsAnEmptySummaryWithoutAWalkOverItsEntries() {
    Map<String, Object> none =
        new LinkedHashMap<>() {
          @Override
          public java.util.Set<Map.Entry<String, Object>> entrySet() {
            throw new AssertionError("an empty map's entries were walked");
          }
        };
    assertThat(summary.ofArguments(none)).isEmpty();
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("options", none);
    nested.put("seed", 1);
    assertThat(summary.ofArguments(nested)).isEqualTo("options={}, seed=1");
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
  void redactsTheValueSetIntoAnInputNamedLikeASecret() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("node_id", "12");
    arguments.put("value", "sk-live-123");
    arguments.put("input", "api_key");
    assertThat(summary.ofArguments(arguments))
        .isEqualTo("node_id=12, value=[redacted], input=api_key")
        .doesNotContain("sk-live-123");
  }

  @Test
  void leavesTheValueOfAnOrdinaryInputAlone() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("node_id", "3");
    arguments.put("input", "seed");
    arguments.put("value", 42);
    assertThat(summary.ofArguments(arguments)).isEqualTo("node_id=3, input=seed, value=42");
  }

  @Test
  void redactsTheValueOfAPatchOperationWhosePathEndsInASecretName() {
    Map<String, Object> secret = new LinkedHashMap<>();
    secret.put("op", "replace");
    secret.put("path", "/10/inputs/api_key");
    secret.put("value", "sk-live-123");
    Map<String, Object> seed = new LinkedHashMap<>();
    seed.put("op", "replace");
    seed.put("path", "/3/inputs/seed");
    seed.put("value", 7);
    assertThat(summary.ofArguments(Map.of("patch", List.of(secret, seed))))
        .isEqualTo(
            "patch=[{op=replace, path=/10/inputs/api_key, value=[redacted]},"
                + " {op=replace, path=/3/inputs/seed, value=7}]")
        .doesNotContain("sk-live-123");
  }

  @Test
  void redactsAPatchPassedAsJsonTextWhenItNamesASecret() {
    String patch = "[{\"op\":\"add\",\"path\":\"/9/inputs/auth_token\",\"value\":\"t0k\"}]";
    assertThat(summary.ofArguments(Map.of("patch", patch))).isEqualTo("patch=[redacted]");
    String harmless = "[{\"op\":\"add\",\"path\":\"/9/inputs/seed\",\"value\":1}]";
    assertThat(summary.ofArguments(Map.of("patch", harmless))).isEqualTo("patch=" + harmless);
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

  @Test
  void secretKeysAreFoundInAnyCaseOnlyWhereASecretWordIs() {
    assertThat(InputSummary.secretKey("X_ToKeN_y")).isTrue();
    assertThat(InputSummary.secretKey("AUTHORIZATION")).isTrue();
    assertThat(InputSummary.secretKey("keys")).isTrue();
    assertThat(InputSummary.secretKey("pass_word")).isFalse();
    assertThat(InputSummary.secretKey("toke")).isFalse();
    assertThat(InputSummary.secretKey("ke")).isFalse();
    // '[' is 'K' + 16 and '@' is '`' - 32: neither folds onto a letter
    assertThat(InputSummary.secretKey("[ey")).isFalse();
    assertThat(InputSummary.secretKey("@ey")).isFalse();
    assertThat(InputSummary.secretKey("")).isFalse();
    assertThat(InputSummary.secretKey(null)).isFalse();
  }

  @Test
  void nonAsciiLettersThatFoldOntoASecretWordStillMarkASecret() {
    // KELVIN SIGN lower-cases to 'k', LATIN SMALL LETTER LONG S upper-cases to 'S'.
    assertThat(InputSummary.secretKey("api_\u212Aey")).isTrue();
    assertThat(InputSummary.secretKey("client_\u017Fecret")).isTrue();
    assertThat(InputSummary.secretKey("clé")).isFalse();
  }

  @Test
  void theAsciiScanAgreesWithCaseFoldingComparisonOnEveryShortKey() {
    // Every key of up to four characters over letters of the secret words in both cases, their
    // neighbours in the ASCII table and separators: the fast path must answer as regionMatches.
    char[] alphabet = "kKeEyYtToOnNjJlL[@`{_- 0".toCharArray();
    int checked = 0;
    StringBuilder key = new StringBuilder();
    for (int length = 1; length <= 4; length++) {
      int[] digits = new int[length];
      while (true) {
        key.setLength(0);
        for (int d : digits) {
          key.append(alphabet[d]);
        }
        String k = key.toString();
        assertThat(InputSummary.secretKey(k))
            .as(k)
            .isEqualTo(InputSummary.secretKeyIgnoringUnicodeCase(k));
        checked++;
        int i = length - 1;
        while (i >= 0 && ++digits[i] == alphabet.length) {
          digits[i--] = 0;
        }
        if (i < 0) {
          break;
        }
      }
    }
    for (String longer :
        new String[] {
          "Cookie", "cOOKIE_jar", "passWORD", "Secrets", "x-authorization-y", "tokens", "bearer"
        }) {
      assertThat(InputSummary.secretKey(longer))
          .as(longer)
          .isEqualTo(InputSummary.secretKeyIgnoringUnicodeCase(longer));
    }
    assertThat(checked).isGreaterThan(300_000);
  }

  @Test
  void rememberedAnswersStayRightWhenManyKeysShareTheCacheSlots() {
    // 3,000 keys over 256 slots: every slot is taken, lost and taken again, by secret and plain
    // keys in turn, asked again both as the same string and as an equal new one.
    List<String> keys = new java.util.ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      keys.add((i % 3 == 0 ? "api_key_" : i % 3 == 1 ? "node_" : "TOKEN") + i);
    }
    for (int round = 0; round < 3; round++) {
      for (String key : keys) {
        boolean expected = InputSummary.secretKeyIgnoringUnicodeCase(key);
        assertThat(InputSummary.secretKey(key)).as(key).isEqualTo(expected);
        assertThat(InputSummary.secretKey(new String(key))).as(key).isEqualTo(expected);
      }
    }
    String long_ = "x".repeat(100) + "secret";
    assertThat(InputSummary.secretKey(long_)).isTrue();
    assertThat(InputSummary.secretKey(long_)).isTrue();
  }

  private static final class StringBuilderHolder {
    @Override
    public String toString() {
      throw new AssertionError("a host object's toString must not run");
    }
  }
}
