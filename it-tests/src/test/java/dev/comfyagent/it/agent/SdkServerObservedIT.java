package dev.comfyagent.it.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfyagent.it.fixture.MiniMcpServer;
import dev.comfyagent.it.harness.AgentOutput;
import dev.comfyagent.it.harness.ChildJvm;
import dev.comfyagent.it.harness.PackagedJars;
import dev.comfyagent.it.harness.StdioMcpClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A minimal MCP SDK server (no runtime class) under the packaged agent, driven over stdio by the
 * SDK client with a known mix of calls: the files hold exactly those counts and traces.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SdkServerObservedIT {

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String TRACEPARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";

  private AgentOutput output;
  private List<String> stdout;
  private List<String> unparsable;
  private String stderr;
  private int exitCode;

  @BeforeAll
  void runKnownMixOfCalls() {
    Path dir = PackagedJars.workDir("sdk-sync");
    ChildJvm server =
        ChildJvm.java()
            .agent(
                "output.dir="
                    + dir.resolve("logs")
                    + ",tools=dev.comfyagent.it.fixture.*Renderer#render")
            .classPath(PackagedJars.testClassPath())
            .main(MiniMcpServer.class.getName())
            .args("sync")
            .workDir(dir)
            .stdoutPipe()
            .start();
    try (StdioMcpClient mcp = StdioMcpClient.connect(server)) {
      for (int i = 0; i < 3; i++) {
        mcp.call("echo", Map.of("text", "hi " + i), Map.of());
      }
      for (int i = 0; i < 2; i++) {
        try {
          CallToolResult exploded = mcp.call("explode", Map.of(), Map.of());
          assertThat(exploded.isError()).isTrue();
        } catch (RuntimeException expected) {
          // depending on the SDK version, a thrown tool is an isError result or an error response
        }
      }
      assertThat(mcp.call("refuse", Map.of("reason", "no"), Map.of()).isError()).isTrue();
      mcp.call(
          "login",
          Map.of("user", "ada", "password", "hunter2", "api_token", "tok-123"),
          Map.of("correlation_id", "client-chain-7"));
      mcp.call(
          "render", Map.of("prompt", "a red fox", "steps", 20), Map.of("traceparent", TRACEPARENT));
      mcp.call(
          "render",
          Map.of("prompt", "a blue fox", "steps", 30),
          Map.of("traceparent", TRACEPARENT));
      assertThatThrownBy(() -> mcp.call("no_such_tool", Map.of(), Map.of()))
          .hasMessageContaining("Unknown tool");
      exitCode = mcp.stopServer();
      stdout = mcp.stdoutLines();
      unparsable = mcp.unparsableStdout();
    }
    stderr = server.stderr();
    output = new AgentOutput(dir.resolve("logs"));
  }

  @Test
  void serverStdoutCarriesOnlyJsonRpc() {
    assertThat(unparsable).isEmpty();
    assertThat(stdout)
        .isNotEmpty()
        .allSatisfy(line -> assertThat(line).contains("\"jsonrpc\":\"2.0\""));
    assertThat(stderr).doesNotContain("internal error");
  }

  @Test
  void finalMetricsLineHoldsExactlyTheCallsMade() {
    assertThat(counts("echo")).containsExactly(3L, 3L, 0L);
    assertThat(counts("explode")).containsExactly(2L, 0L, 2L);
    assertThat(counts("refuse")).containsExactly(1L, 0L, 1L);
    assertThat(counts("login")).containsExactly(1L, 1L, 0L);
    assertThat(counts("render")).containsExactly(2L, 2L, 0L);
    assertThat(counts("Renderer#render")).containsExactly(2L, 2L, 0L);
    assertThat(counts("no_such_tool")).containsExactly(1L, 0L, 1L);
    JsonNode echo = output.toolTotal("echo");
    assertThat(echo.path("p50_ms").asDouble()).isPositive();
    assertThat(echo.path("max_ms").asDouble())
        .isGreaterThanOrEqualTo(echo.path("p99_ms").asDouble());
    assertThat(output.finalMetrics().path("agent").path("internal_errors").asLong()).isZero();
  }

  @Test
  void oneTraceLinePerCallWithTheSemanticConventionNames() {
    List<JsonNode> traces = output.traces();
    assertThat(traces).hasSize(3 + 2 + 1 + 1 + 2 + 2 + 1);
    JsonNode echo = output.tracesOf("echo").get(0);
    assertThat(echo.path("mcp.method.name").asText()).isEqualTo("tools/call");
    assertThat(echo.path("gen_ai.tool.name").asText()).isEqualTo("echo");
    assertThat(echo.path("gen_ai.operation.name").asText()).isEqualTo("execute_tool");
    assertThat(echo.path("mcp.session.id").asText()).isNotBlank();
    assertThat(echo.path("jsonrpc.request.id").isValueNode()).isTrue();
    assertThat(echo.path("success").asBoolean()).isTrue();
    assertThat(echo.path("error.type").isNull()).isTrue();
    assertThat(echo.path("correlation_id").asText()).matches("[0-9a-f]{32}");
  }

  @Test
  void failuresNameTheExceptionOrToolError() {
    assertThat(output.tracesOf("explode"))
        .allSatisfy(
            t ->
                assertThat(t.path("error.type").asText())
                    .isEqualTo("java.lang.IllegalStateException"));
    assertThat(output.tracesOf("refuse").get(0).path("error.type").asText())
        .isEqualTo("tool_error");
    assertThat(output.tracesOf("no_such_tool").get(0).path("error.type").asText())
        .isEqualTo("io.modelcontextprotocol.spec.McpError");
  }

  @Test
  void secretArgumentsAreRedacted() {
    JsonNode login = output.tracesOf("login").get(0);
    assertThat(login.path("input_summary").asText())
        .contains("user=ada")
        .contains("password=[redacted]")
        .contains("api_token=[redacted]")
        .doesNotContain("hunter2")
        .doesNotContain("tok-123");
    assertThat(login.path("correlation_id").asText()).isEqualTo("client-chain-7");
  }

  @Test
  void callsSharingATraceparentFormOneOrderedChainWithTheirChildren() {
    List<JsonNode> chain =
        output.traces().stream()
            .filter(t -> TRACE_ID.equals(t.path("correlation_id").asText()))
            .sorted((a, b) -> Integer.compare(a.path("seq").asInt(), b.path("seq").asInt()))
            .toList();
    assertThat(chain)
        .extracting(t -> t.path("tool_name").asText())
        .containsExactly("render", "Renderer#render", "render", "Renderer#render");
    assertThat(chain).extracting(t -> t.path("seq").asInt()).containsExactly(1, 2, 3, 4);
    assertThat(chain.get(1).path("parent").asInt()).isEqualTo(1);
    assertThat(chain.get(3).path("parent").asInt()).isEqualTo(3);
    assertThat(chain.get(0).path("parent").isNull()).isTrue();
    assertThat(chain.get(1).path("input_summary").asText()).isEqualTo("prompt=a red fox, steps=20");
  }

  /**
   * The bridge that woven code calls is defined in the bootstrap class loader without the agent jar
   * on the bootstrap class path: appending it made HotSpot stop sharing archived classes with the
   * other class loaders and say so in a warning line on the host's stderr.
   */
  @Test
  void noJvmWarningIsAddedToTheHostsStderr() {
    // (HotSpot 17 and 25 print it when sharing is on, as it is by default; the calls above are
    // counted, so woven code reached the bridge.)
    assertThat(stderr).doesNotContain("Sharing is only supported for boot loader classes");
  }

  @Test
  void serverStopsNormallyUnderTheAgent() {
    assertThat(exitCode).isIn(0, 143);
  }

  private List<Long> counts(String tool) {
    JsonNode total = output.toolTotal(tool);
    return List.of(
        total.path("calls").asLong(), total.path("ok").asLong(), total.path("err").asLong());
  }
}
