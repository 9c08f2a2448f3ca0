package dev.comfyagent.it.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comfyagent.it.harness.AgentOutput;
import dev.comfyagent.it.harness.PackagedJars;
import dev.comfyagent.it.harness.RuntimeServer;
import dev.comfyagent.simulator.ComfyUiSimulator;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The packaged runtime under the packaged agent, driven by the SDK client against the ComfyUI
 * simulator: {@code get_agent_stats} is in {@code tools/list} only with the agent, answers with a
 * table and the same figures as JSON, agrees with metrics.jsonl, and reveals nothing of the
 * environment or of the arguments. No nvidia-smi is on the runtime's PATH, so GPU figures come from
 * the simulator's {@code /system_stats} (VRAM only).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatsToolIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET_ENV = "s3cr3t-environment-value";
  private static final String ARGUMENT_VALUE = "unmistakable-query-value";

  private ComfyUiSimulator comfy;
  private Path dir;
  private List<String> toolsWithAgent;
  private List<String> toolsWithoutAgent;
  private McpSchema.Tool statsTool;
  private CallToolResult render;
  private CallToolResult stats;
  private CallToolResult oneTool;
  private CallToolResult unknownTool;
  private AgentOutput output;

  @BeforeAll
  void runASession() throws Exception {
    comfy = ComfyUiSimulator.builder().port(0).stepDelay(Duration.ofMillis(5)).start();
    dir = PackagedJars.workDir("stats-tool");
    Path emptyPath = Files.createDirectories(dir.resolve("empty-path"));
    try (RuntimeServer runtime =
        RuntimeServer.with(dir.resolve("with-agent"), comfy)
            .agent("output.dir=" + dir.resolve("logs"))
            .env("PATH", emptyPath.toString())
            .env("IT_SECRET", SECRET_ENV)
            .start()) {
      toolsWithAgent = runtime.toolNames();
      statsTool =
          runtime.mcp().client().listTools().tools().stream()
              .filter(t -> t.name().equals("get_agent_stats"))
              .findFirst()
              .orElse(null);
      runtime.call("load_workflow", Map.of("workflow", RuntimeServer.workflow()));
      runtime.call("load_workflow", Map.of("workflow", "{not json"));
      runtime.call("search_nodes", Map.of("query", ARGUMENT_VALUE));
      runtime.call("search_nodes", Map.of("query", "sampler"));
      runtime.call("get_workflow_summary", Map.of());
      render = runtime.call("execute_workflow", Map.of());
      stats = runtime.call("get_agent_stats", Map.of());
      oneTool = runtime.call("get_agent_stats", Map.of("tool", "search_nodes"));
      unknownTool = runtime.call("get_agent_stats", Map.of("tool", "lod_workflow"));
      runtime.stop();
    }
    output = new AgentOutput(dir.resolve("logs"));
    try (RuntimeServer plain = RuntimeServer.with(dir.resolve("without-agent"), comfy).start()) {
      toolsWithoutAgent = plain.toolNames();
    }
  }

  @AfterAll
  void stopComfy() {
    comfy.close();
  }

  @Test
  void theStatsToolIsListedOnlyWhenTheAgentIsAttached() {
    assertThat(toolsWithAgent).contains("get_agent_stats").contains("execute_workflow");
    assertThat(toolsWithoutAgent).doesNotContain("get_agent_stats").contains("execute_workflow");
    assertThat(toolsWithAgent).hasSize(toolsWithoutAgent.size() + 1);
  }

  @Test
  void theStatsToolIsAnnouncedReadOnlyWithItsOneArgument() {
    assertThat(statsTool.annotations().readOnlyHint()).isTrue();
    assertThat(statsTool.annotations().destructiveHint()).isFalse();
    assertThat(((Map<?, ?>) statsTool.inputSchema().get("properties")).keySet())
        .isEqualTo(java.util.Set.of("tool"));
  }

  @Test
  void itsFiguresAgreeWithTheFinalMetricsLine() {
    JsonNode reported = JSON.valueToTree(stats.structuredContent()).path("tools");
    JsonNode total = output.finalMetrics().path("total").path("tools");
    for (String tool :
        List.of("load_workflow", "search_nodes", "get_workflow_summary", "execute_workflow")) {
      JsonNode mine = reported.path(tool);
      JsonNode file = total.path(tool);
      assertThat(mine.path("calls").asLong()).as(tool).isEqualTo(file.path("calls").asLong());
      assertThat(mine.path("ok").asLong()).as(tool).isEqualTo(file.path("ok").asLong());
      assertThat(mine.path("err").asLong()).as(tool).isEqualTo(file.path("err").asLong());
      for (String figure : List.of("p50_ms", "p95_ms", "p99_ms", "max_ms")) {
        assertThat(mine.path(figure).asDouble())
            .as(tool + " " + figure)
            .isEqualTo(file.path(figure).asDouble());
      }
    }
    assertThat(reported.path("load_workflow").path("calls").asLong()).isEqualTo(2);
    assertThat(reported.path("load_workflow").path("err").asLong()).isEqualTo(1);
    assertThat(reported.path("search_nodes").path("calls").asLong()).isEqualTo(2);
  }

  @Test
  void itIsCountedLikeAnyTool() {
    JsonNode calls = output.finalMetrics().path("total").path("tools").path("get_agent_stats");
    assertThat(calls.path("calls").asLong()).isEqualTo(3);
    assertThat(calls.path("ok").asLong()).isEqualTo(2);
    assertThat(calls.path("err").asLong()).isEqualTo(1);
    assertThat(output.tracesOf("get_agent_stats")).hasSize(3);
  }

  @Test
  void itsTextIsAReadableTable() {
    assertThat(RuntimeServer.text(stats))
        .startsWith("instrument-javaagent ")
        .containsPattern("TOOL +CALLS +OK +ERR +P50 ms +P95 ms +P99 ms +MAX ms")
        .containsPattern("\\nload_workflow +2 +1 +1 ")
        .containsPattern("\\nsearch_nodes +2 +2 +0 ")
        .contains("Circuit breakers: comfyui CLOSED, 0 transitions")
        .contains("Sessions:         1 active")
        .contains("node_catalog " + comfy.nodeTypeCount())
        .contains("GPU:              comfyui, last read ")
        .contains("0 internal errors swallowed");
  }

  @Test
  void itsStructuredContentCarriesEverySection() {
    JsonNode json = JSON.valueToTree(stats.structuredContent());
    assertThat(json.path("uptime_ms").asLong()).isPositive();
    assertThat(json.path("circuit_breakers").path("comfyui").path("state").asText())
        .isEqualTo("CLOSED");
    assertThat(json.path("rate_limiters").path("comfyui").path("rejected").asLong()).isZero();
    assertThat(json.path("sessions").path("active").asInt()).isEqualTo(1);
    assertThat(json.path("memory").path("heap_used_bytes").asLong()).isPositive();
    assertThat(json.path("memory").path("probes").path("node_catalog").path("value").asInt())
        .isEqualTo(comfy.nodeTypeCount());
    assertThat(json.path("gpu").path("source").asText()).isEqualTo("comfyui");
    assertThat(json.path("gpu").path("last").path("vram_total_bytes").asLong()).isPositive();
    assertThat(json.path("agent").path("classes_instrumented").asLong()).isPositive();
    assertThat(json.path("agent").path("internal_errors").asLong()).isZero();
  }

  @Test
  void theToolArgumentNarrowsTheAnswerToOneTool() {
    assertThat(oneTool.isError()).isFalse();
    JsonNode json = JSON.valueToTree(oneTool.structuredContent());
    assertThat(json.path("tools").size()).isEqualTo(1);
    assertThat(json.path("tools").path("search_nodes").path("calls").asLong()).isEqualTo(2);
    assertThat(RuntimeServer.text(oneTool)).doesNotContain("load_workflow");
  }

  @Test
  void anUnknownToolIsAnErrorNamingTheKnownTools() {
    assertThat(unknownTool.isError()).isTrue();
    assertThat(RuntimeServer.text(unknownTool))
        .startsWith("unknown tool 'lod_workflow'")
        .contains("Known tools: ")
        .contains("load_workflow")
        .contains("execute_workflow");
  }

  @Test
  void itRevealsNoEnvironmentValueArgumentOrAbsolutePath() throws Exception {
    String everything =
        RuntimeServer.text(stats) + JSON.writeValueAsString(stats.structuredContent());
    assertThat(everything)
        .doesNotContain(SECRET_ENV)
        .doesNotContain(ARGUMENT_VALUE)
        .doesNotContain(dir.toString())
        .doesNotContain(":" + comfy.port());
    // The output folder lies outside the runtime's working directory (with-agent/): its name only.
    assertThat(RuntimeServer.text(stats)).contains("(metrics.jsonl and traces.jsonl in .../logs)");
    JsonNode json = JSON.valueToTree(stats.structuredContent());
    assertThat(json.path("agent").path("output_dir").asText()).isEqualTo(".../logs");
  }

  @Test
  void theComfyUiFallbackPutsVramFiguresIntoTheRenderResult() {
    assertThat(render.isError()).isFalse();
    assertThat(RuntimeServer.text(render))
        .containsPattern("^Rendered in \\d+(\\.\\d+)?s \\(VRAM: \\d+\\.\\d/23\\.6GB\\)\\n");
    assertThat(output.finalMetrics().path("gpu").path("source").asText()).isEqualTo("comfyui");
    assertThat(output.finalMetrics().path("gpu").path("errors").size()).isZero();
  }
}
