package dev.comfyagent.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfyagent.it.fixture.IsolatedToolHost;
import dev.comfyagent.it.harness.AgentOutput;
import dev.comfyagent.it.harness.ChildJvm;
import dev.comfyagent.it.harness.FakeToolFixtures;
import dev.comfyagent.it.harness.PackagedJars;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runtime tools loaded by a custom {@code URLClassLoader} (runtime jar and tools on no class path
 * the agent knows) are woven and observed: the bootstrap bridge makes the advice resolvable from
 * any loader.
 */
class IsolatedClassLoaderIT {

  @Test
  void toolsOfACustomClassLoaderAreObservedWithTheirChainAndTheRuntimesCorrelationId() {
    Path dir = PackagedJars.workDir("isolated");
    int exit;
    String stdout;
    try (ChildJvm host =
        ChildJvm.java()
            .agent("output.dir=" + dir.resolve("logs"))
            .classPath(PackagedJars.testClassPath())
            .main(IsolatedToolHost.class.getName())
            .args(
                PackagedJars.runtimeJar().toString(),
                FakeToolFixtures.classesDir().toString(),
                "once")
            .workDir(dir)
            .start()) {
      exit = host.waitFor(Duration.ofSeconds(120));
      stdout = host.stdout();
    }
    assertThat(exit).isZero();
    assertThat(stdout.strip()).isEqualTo("once done");

    AgentOutput output = new AgentOutput(dir.resolve("logs"));
    assertThat(output.toolTotal("chain").path("calls").asLong()).isEqualTo(2);
    assertThat(output.toolTotal("chain").path("err").asLong()).isEqualTo(1);
    assertThat(output.toolTotal("echo").path("calls").asLong()).isEqualTo(5);
    assertThat(output.toolTotal("echo").path("err").asLong()).isEqualTo(1);

    List<JsonNode> chain =
        output.traces().stream()
            .filter(t -> "mdc-chain-1".equals(t.path("correlation_id").asText()))
            .sorted(Comparator.comparingInt(t -> t.path("seq").asInt()))
            .toList();
    assertThat(chain)
        .extracting(t -> t.path("tool_name").asText())
        .containsExactly("chain", "echo", "echo");
    assertThat(chain.get(1).path("parent").asInt()).isEqualTo(chain.get(0).path("seq").asInt());
    assertThat(chain.get(0).path("input_summary").asText())
        .contains("text=hello")
        .contains("Authorization=[redacted]")
        .contains("session_cookie=[redacted]")
        .contains("size=3")
        .doesNotContain("Bearer")
        .doesNotContain("c00kie");
    JsonNode thrown =
        output.tracesOf("chain").stream()
            .filter(t -> !t.path("success").asBoolean())
            .findFirst()
            .orElseThrow();
    assertThat(thrown.path("error.type").asText())
        .isEqualTo("dev.comfyagent.runtime.tool.ToolException");
    assertThat(thrown.has("mcp.method.name")).isFalse();
  }
}
