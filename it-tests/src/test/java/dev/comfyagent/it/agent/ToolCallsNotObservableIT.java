package dev.comfyagent.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfyagent.it.harness.AgentOutput;
import dev.comfyagent.it.harness.ChildJvm;
import dev.comfyagent.it.harness.PackagedJars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The false case of {@code agent.tool_calls_observable}: a JVM whose MCP server class the agent
 * weaves by name, but in which no method is a {@code tools/call} path the agent knows (an
 * SDK-shaped class, as a release that moved its handler would be). The agent says so on stderr,
 * once, and in metrics.jsonl, instead of looking healthy while it can count nothing.
 */
class ToolCallsNotObservableIT {

  @Test
  void aServerClassWovenWithoutAToolCallPathIsReportedOnStderrAndInTheMetrics() throws Exception {
    Path dir = PackagedJars.workDir("not-observable");
    Path classes = dir.resolve("classes");
    Files.createDirectories(classes);
    Path source = Path.of("src/test/resources/sdk-shaped/io/modelcontextprotocol/server");
    if (!Files.exists(source)) {
      source = Path.of("it-tests").resolve(source);
    }
    int compiled =
        ToolProvider.getSystemJavaCompiler()
            .run(
                null,
                null,
                null,
                "-nowarn",
                "-d",
                classes.toString(),
                source.resolve("McpAsyncServer.java").toString());
    assertThat(compiled).isZero();
    Path logs = dir.resolve("logs");
    try (ChildJvm server =
        ChildJvm.java()
            .agent("output.dir=" + logs)
            .classPath(classes.toString())
            .main("io.modelcontextprotocol.server.McpAsyncServer")
            .args("5000")
            .workDir(dir)
            .start()) {
      assertThat(server.waitFor(Duration.ofSeconds(60))).isZero();
      assertThat(server.stdout()).isEmpty();
      assertThat(server.stderr())
          .contains("called echo")
          .containsOnlyOnce("tool calls of this server are NOT observed")
          .contains("agent.tool_calls_observable false");
    }
    AgentOutput output = new AgentOutput(logs);
    assertThat(output.finalMetrics().path("agent").path("classes_instrumented").asInt())
        .isPositive();
    assertThat(output.finalMetrics().path("agent").path("tool_calls_observable").isBoolean())
        .isTrue();
    assertThat(output.finalMetrics().path("agent").path("tool_calls_observable").asBoolean())
        .isFalse();
  }
}
