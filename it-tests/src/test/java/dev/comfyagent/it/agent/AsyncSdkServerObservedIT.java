package dev.comfyagent.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfyagent.it.fixture.MiniMcpServer;
import dev.comfyagent.it.harness.AgentOutput;
import dev.comfyagent.it.harness.ChildJvm;
import dev.comfyagent.it.harness.PackagedJars;
import dev.comfyagent.it.harness.StdioMcpClient;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Asynchronous SDK tools are timed from the handler's start to the Mono's outcome. */
class AsyncSdkServerObservedIT {

  @Test
  void asynchronousToolsAreCountedOnceWhenTheirMonoCompletes() {
    Path dir = PackagedJars.workDir("sdk-async");
    ChildJvm server =
        ChildJvm.java()
            .agent("output.dir=" + dir.resolve("logs"))
            .classPath(PackagedJars.testClassPath())
            .main(MiniMcpServer.class.getName())
            .args("async")
            .workDir(dir)
            .stdoutPipe()
            .start();
    try (StdioMcpClient mcp = StdioMcpClient.connect(server)) {
      for (int i = 0; i < 4; i++) {
        assertThat(mcp.call("slow_echo", Map.of("text", "t" + i), Map.of()).isError()).isFalse();
      }
      try {
        mcp.call("async_fail", Map.of(), Map.of());
      } catch (RuntimeException expected) {
        // the SDK reports a failed asynchronous tool as an error response
      }
      mcp.stopServer();
      assertThat(mcp.unparsableStdout()).isEmpty();
    }
    AgentOutput output = new AgentOutput(dir.resolve("logs"));
    JsonNode slow = output.toolTotal("slow_echo");
    assertThat(slow.path("calls").asLong()).isEqualTo(4);
    assertThat(slow.path("ok").asLong()).isEqualTo(4);
    assertThat(slow.path("p50_ms").asDouble()).isGreaterThanOrEqualTo(19.0);
    assertThat(output.toolTotal("async_fail").path("err").asLong()).isEqualTo(1);
    assertThat(output.tracesOf("async_fail").get(0).path("error.type").asText())
        .isEqualTo("java.lang.UnsupportedOperationException");
    assertThat(output.tracesOf("slow_echo")).hasSize(4);
  }
}
