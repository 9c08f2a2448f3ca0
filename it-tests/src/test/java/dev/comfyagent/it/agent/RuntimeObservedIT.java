package dev.comfyagent.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfyagent.it.harness.AgentOutput;
import dev.comfyagent.it.harness.PackagedJars;
import dev.comfyagent.it.harness.RuntimeServer;
import dev.comfyagent.simulator.ComfyUiSimulator;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The packaged runtime under the packaged agent, driven over stdio by the SDK client against the
 * ComfyUI simulator with a known mix of successes and failures across several tools: the final
 * metrics line holds exactly those counts, with percentiles that agree with the traced durations
 * within the histogram's precision; there is one trace line per call, calls sharing a {@code
 * traceparent} form one chain in call order, and secret-looking arguments are redacted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RuntimeObservedIT {

  private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  private static final String TRACEPARENT = "00-" + TRACE_ID + "-b7ad6b7169203331-01";
  private static final String SECRET = "tok-5e3c7d";

  /** Per tool: {ok, err} as the session below makes them. */
  private final Map<String, long[]> expected = new LinkedHashMap<>();

  private final List<CallToolResult> results = new ArrayList<>();
  private ComfyUiSimulator comfy;
  private AgentOutput output;

  @BeforeAll
  void runAKnownMixOfCalls() {
    comfy = ComfyUiSimulator.builder().port(0).stepDelay(Duration.ofMillis(2)).start();
    Path dir = PackagedJars.workDir("runtime-observed");
    try (RuntimeServer runtime =
        RuntimeServer.with(dir.resolve("runtime"), comfy)
            .agent("output.dir=" + dir.resolve("logs") + ",gpu=off")
            .start()) {
      call(runtime, "load_workflow", Map.of("workflow", RuntimeServer.workflow()), Map.of(), true);
      call(runtime, "load_workflow", Map.of("workflow", "{not json"), Map.of(), false);
      call(runtime, "validate_workflow", Map.of(), Map.of(), true);
      call(
          runtime,
          "apply_workflow_patch",
          Map.of("patch", List.of(Map.of("op", "replace", "path", "/3/inputs/seed", "value", 7))),
          Map.of(),
          true);
      call(
          runtime,
          "apply_workflow_patch",
          Map.of("patch", List.of(Map.of("op", "remove", "path", "/99/inputs/seed"))),
          Map.of(),
          false);
      call(
          runtime,
          "search_nodes",
          Map.of("query", "sampler"),
          Map.of("traceparent", TRACEPARENT),
          true);
      call(
          runtime,
          "get_node_info",
          Map.of("class_type", "KSampler"),
          Map.of("traceparent", TRACEPARENT),
          true);
      call(
          runtime,
          "search_nodes",
          Map.of("query", "checkpoint loader"),
          Map.of("traceparent", TRACEPARENT),
          true);
      call(runtime, "get_node_info", Map.of("class_type", "NoSuchNodeAnywhere"), Map.of(), false);
      // An argument the schema does not know, under a key that looks secret: refused, and traced
      // with the value redacted.
      call(
          runtime,
          "validate_workflow",
          Map.of("api_token", SECRET),
          Map.of("correlation_id", "client-run-42"),
          false);
      runtime.stop();
    }
    output = new AgentOutput(dir.resolve("logs"));
  }

  private void call(
      RuntimeServer runtime,
      String tool,
      Map<String, Object> arguments,
      Map<String, Object> meta,
      boolean succeeds) {
    CallToolResult result = runtime.mcp().call(tool, arguments, meta);
    assertThat(result.isError()).as("%s %s", tool, arguments).isEqualTo(!succeeds);
    results.add(result);
    long[] counts = expected.computeIfAbsent(tool, t -> new long[2]);
    counts[succeeds ? 0 : 1]++;
  }

  @AfterAll
  void stopComfy() {
    comfy.close();
  }

  @Test
  void theFinalMetricsLineHoldsExactlyTheCallsMade() {
    JsonNode tools = output.finalMetrics().path("total").path("tools");
    expected.forEach(
        (tool, counts) -> {
          JsonNode figures = tools.path(tool);
          assertThat(figures.path("ok").asLong()).as(tool + " ok").isEqualTo(counts[0]);
          assertThat(figures.path("err").asLong()).as(tool + " err").isEqualTo(counts[1]);
          assertThat(figures.path("calls").asLong())
              .as(tool + " calls")
              .isEqualTo(counts[0] + counts[1]);
        });
    List<String> counted = new ArrayList<>();
    tools.fieldNames().forEachRemaining(counted::add);
    assertThat(counted).containsExactlyInAnyOrderElementsOf(expected.keySet());
  }

  @Test
  void oneTraceLinePerCallWithItsOutcome() {
    expected.forEach(
        (tool, counts) -> {
          List<JsonNode> traces = output.tracesOf(tool);
          assertThat(traces).as(tool).hasSize((int) (counts[0] + counts[1]));
          assertThat(traces.stream().filter(t -> t.path("success").asBoolean()).count())
              .as(tool + " successes")
              .isEqualTo(counts[0]);
          for (JsonNode trace : traces) {
            assertThat(trace.path("gen_ai.tool.name").asText()).isEqualTo(tool);
            assertThat(trace.path("gen_ai.operation.name").asText()).isEqualTo("execute_tool");
            assertThat(trace.path("mcp.method.name").asText()).isEqualTo("tools/call");
            if (!trace.path("success").asBoolean()) {
              assertThat(trace.path("error.type").asText()).isNotBlank();
            }
          }
        });
  }

  @Test
  void percentilesAgreeWithTheTracedDurationsWithinTheHistogramsPrecision() {
    expected.forEach(
        (tool, counts) -> {
          double[] durations =
              output.tracesOf(tool).stream()
                  .mapToDouble(t -> t.path("duration_ms").asDouble())
                  .sorted()
                  .toArray();
          JsonNode figures = output.toolTotal(tool);
          double max = durations[durations.length - 1];
          double min = durations[0];
          // two significant digits: a recorded value is within 1% (and 1 µs) of the true one
          double slack = 0.011 * max + 0.002;
          assertThat(figures.path("max_ms").asDouble())
              .as(tool + " max")
              .isBetween(max - slack, max + slack);
          for (String percentile : List.of("p50_ms", "p95_ms", "p99_ms")) {
            assertThat(figures.path(percentile).asDouble())
                .as(tool + " " + percentile)
                .isBetween(min - slack, max + slack);
          }
        });
  }

  @Test
  void callsSharingATraceparentFormOneChainInCallOrder() {
    List<JsonNode> chain =
        output.traces().stream()
            .filter(t -> TRACE_ID.equals(t.path("correlation_id").asText()))
            .sorted((a, b) -> Integer.compare(a.path("seq").asInt(), b.path("seq").asInt()))
            .toList();
    assertThat(chain)
        .extracting(t -> t.path("tool_name").asText())
        .containsExactly("search_nodes", "get_node_info", "search_nodes");
    assertThat(chain).extracting(t -> t.path("seq").asInt()).containsExactly(1, 2, 3);
    assertThat(chain.get(0).path("input_summary").asText()).contains("query=sampler");
    assertThat(chain.get(2).path("input_summary").asText()).contains("query=checkpoint loader");
  }

  @Test
  void secretLookingArgumentsAreRedacted() {
    JsonNode refused =
        output.traces().stream()
            .filter(t -> "client-run-42".equals(t.path("correlation_id").asText()))
            .findFirst()
            .orElseThrow();
    assertThat(refused.path("tool_name").asText()).isEqualTo("validate_workflow");
    assertThat(refused.path("input_summary").asText())
        .contains("api_token=")
        .doesNotContain(SECRET);
    assertThat(output.traces()).allSatisfy(t -> assertThat(t.toString()).doesNotContain(SECRET));
    assertThat(output.metricsLines())
        .allSatisfy(m -> assertThat(m.toString()).doesNotContain(SECRET));
  }
}
