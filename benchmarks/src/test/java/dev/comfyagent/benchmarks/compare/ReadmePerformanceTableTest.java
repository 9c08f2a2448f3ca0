package dev.comfyagent.benchmarks.compare;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comfyagent.benchmarks.compare.JmhResults.Metric;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's performance table says what the committed baseline measured: each figure is worked
 * out here from {@code benchmarks/baseline/} and must appear in the table as written. A refreshed
 * baseline without the README (or a README edited without a run) fails this test.
 */
class ReadmePerformanceTableTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The whole call's goal: at most this much added to the round trip at p50. */
  private static final double WHOLE_CALL_GOAL_PERCENT = 2.0;

  private static String table;
  private static List<Metric> jmh;
  private static JsonNode startup;
  private static JsonNode roundTrip;
  private static JsonNode roundTripTs;

  @BeforeAll
  static void readBaselineAndReadme() throws IOException {
    Path root = Path.of("").toAbsolutePath();
    while (!Files.isDirectory(root.resolve("benchmarks/baseline"))) {
      root = root.getParent();
    }
    String readme = Files.readString(root.resolve("README.md"));
    int start = readme.indexOf("## Performance");
    table = readme.substring(start, readme.indexOf("\n## ", start + 1));
    Path baseline = root.resolve("benchmarks/baseline");
    jmh = JmhResults.read(baseline.resolve("jmh-results.json"));
    startup = JSON.readTree(baseline.resolve("startup-results.json").toFile()).get("results");
    roundTrip = JSON.readTree(baseline.resolve("roundtrip-results.json").toFile()).get("results");
    roundTripTs =
        JSON.readTree(baseline.resolve("roundtrip-ts-results.json").toFile()).get("results");
  }

  private static double jmh(String benchmark, Map<String, String> params, String metric) {
    return jmh.stream()
        .filter(m -> m.benchmark().endsWith(benchmark))
        .filter(m -> m.params().equals(params) && m.metric().equals(metric))
        .findFirst()
        .orElseThrow(() -> new AssertionError("not in the baseline: " + benchmark + params))
        .score();
  }

  private static double overhead(String agent) {
    return jmh("AgentOverheadBenchmark.toolCall", Map.of("agent", agent), "score");
  }

  private static long bytesPerCall(String agent) {
    return Math.round(
        jmh("AgentOverheadBenchmark.toolCall", Map.of("agent", agent), JmhResults.ALLOCATION));
  }

  private static JsonNode configuration(JsonNode results, String name) {
    for (JsonNode result : results) {
      if (name.equals(result.get("configuration").asText())) {
        return result;
      }
    }
    throw new AssertionError("no configuration " + name);
  }

  private static String format(String pattern, Object... values) {
    return String.format(Locale.ROOT, pattern, values);
  }

  @Test
  void thePerCallFiguresAreTheBaselines() {
    double none = overhead("none");
    long off = Math.round(overhead("agent-trace-off") - none);
    long on = Math.round(overhead("agent-trace-on") - none);
    long otel = Math.round(overhead("otel") - none);
    assertThat(table)
        .contains(format("+%d ns, %d B/op", off, bytesPerCall("agent-trace-off")))
        .contains(format("+%d ns, %d B/op", on, bytesPerCall("agent-trace-on")))
        .contains(
            format(
                "%.1f× with tracing off (OpenTelemetry: +%d ns, %,d B/op)",
                (overhead("otel") - none) / (overhead("agent-trace-off") - none),
                otel,
                bytesPerCall("otel")));
  }

  @Test
  void theQueuedTracedCallIsTheBaselines() {
    String queued = "AgentOverheadBenchmark.queuedToolCall";
    double none = jmh(queued, Map.of("agent", "none"), "score");
    double on = jmh(queued, Map.of("agent", "agent-trace-on"), "score");
    long bytes = Math.round(jmh(queued, Map.of("agent", "agent-trace-on"), JmhResults.ALLOCATION));
    assertThat(row("(`queuedToolCall`"))
        .contains(format("+%d ns, %d B/op", Math.round(on - none), bytes));
  }

  @Test
  void theStartAndMemoryFiguresAreTheBaselines() {
    JsonNode none = configuration(startup, "none");
    JsonNode agent = configuration(startup, "agent");
    JsonNode otel = configuration(startup, "otel");
    long agentMs = Math.round(median(agent, "tools_list_ms") - median(none, "tools_list_ms"));
    long otelMs = Math.round(median(otel, "tools_list_ms") - median(none, "tools_list_ms"));
    assertThat(table)
        .contains(format("+%d ms vs +%,d ms: %.2f", agentMs, otelMs, (double) agentMs / otelMs))
        .contains(
            format(
                "+%.1f MiB (OpenTelemetry +%d MiB)",
                median(agent, "peak_rss_mib") - median(none, "peak_rss_mib"),
                Math.round(median(otel, "peak_rss_mib") - median(none, "peak_rss_mib"))));
  }

  @Test
  void theWholeCallFiguresAreTheBaselines() {
    assertThat(row("(`RoundTripBenchmark`")).contains(wholeCall(roundTrip));
  }

  @Test
  void theWholeCallFiguresThroughTheTypeScriptClientAreTheBaselines() {
    assertThat(row("(`benchmarks/ts-client`")).contains(wholeCall(roundTripTs));
  }

  @Test
  void theWholeCallVerdictsFollowTheirFigures() {
    assertThat(metCell("(`RoundTripBenchmark`"))
        .contains(verdict(roundTrip, "trace-off", "tracing off"))
        .contains(verdict(roundTrip, "trace-on", "tracing on"));
    assertThat(metCell("(`benchmarks/ts-client`"))
        .contains(verdict(roundTripTs, "trace-off", "tracing off"))
        .contains(verdict(roundTripTs, "trace-on", "tracing on"));
  }

  /** The last cell (Met?) of the row that holds {@code marker}. */
  private static String metCell(String marker) {
    String row = row(marker).strip();
    return row.substring(row.lastIndexOf(" | ", row.length() - 2));
  }

  /**
   * The Met? cell of a whole call for one agent configuration against the 2% goal, as the README's
   * footnote defines it: met when the median is; the interval decides between "the whole interval"
   * and "at the median".
   */
  private static String verdict(JsonNode results, String agent, String label) {
    double none = median(configuration(results, "none"), "p50_us");
    JsonNode configuration = configuration(results, agent);
    double added = 100 * configuration.get("added_p50_us").asDouble() / none;
    double high = 100 * configuration.get("added_p50_us_interval").get("high").asDouble() / none;
    if (high <= WHOLE_CALL_GOAL_PERCENT) {
      return format("%s: yes (the whole interval, to %+.1f%%)", label, high);
    }
    if (added <= WHOLE_CALL_GOAL_PERCENT) {
      return format(
          "%s: yes at the median (%+.1f%%), its interval reaching %+.1f%%", label, added, high);
    }
    return format("%s: **no**", label);
  }

  /** What a whole-call row says of a round-trip benchmark's results. */
  private static String[] wholeCall(JsonNode results) {
    double none = median(configuration(results, "none"), "p50_us");
    double off = configuration(results, "trace-off").get("added_p50_us").asDouble();
    double on = configuration(results, "trace-on").get("added_p50_us").asDouble();
    return new String[] {
      format("no agent %d µs", Math.round(none)),
      format(
          "tracing off %+.1f µs (%+.1f%%), %s",
          off, 100 * off / none, interval(results, "trace-off")),
      format(
          "tracing on %+.1f µs (%+.1f%%), %s", on, 100 * on / none, interval(results, "trace-on")),
      format("%d rounds in ABBA order", results.get(0).get("p50_us").get("samples").size())
    };
  }

  /** The one line of the table that holds {@code marker}. */
  private static String row(String marker) {
    List<String> rows = table.lines().filter(line -> line.contains(marker)).toList();
    assertThat(rows).as("rows of the README's table with %s", marker).hasSize(1);
    return rows.get(0);
  }

  @Test
  void theRuntimeFiguresAreTheBaselines() {
    Map<String, String> sdxlPatch = Map.of("graph", "sdxl", "patch", "one-replace");
    assertThat(table)
        .contains(
            format("| %.1f µs |", jmh("PatchApplyBenchmark.workflowState", sdxlPatch, "score")))
        .contains(
            format(
                "| %.1f µs |",
                jmh("WorkflowLoadBenchmark.loadAndValidate", Map.of("graph", "sdxl"), "score")));
    Map<String, String> fuzzy = Map.of("catalog", "manager-map", "queries", "fuzzy");
    Map<String, String> exact = Map.of("catalog", "manager-map", "queries", "exact");
    assertThat(table)
        .contains(
            format(
                "%d µs for typo queries, %d µs exact (p50 %d and %d µs)",
                Math.round(jmh("NodeSearchBenchmark.search", fuzzy, "p0.99")),
                Math.round(jmh("NodeSearchBenchmark.search", exact, "p0.99")),
                Math.round(jmh("NodeSearchBenchmark.search", fuzzy, "p0.50")),
                Math.round(jmh("NodeSearchBenchmark.search", exact, "p0.50"))));
  }

  /** The interval of an agent's added p50 as the table writes it. */
  private static String interval(JsonNode results, String agent) {
    JsonNode range = configuration(results, agent).get("added_p50_us_interval");
    return format(
        "interval [%+.1f, %+.1f] µs", range.get("low").asDouble(), range.get("high").asDouble());
  }

  private static double median(JsonNode configuration, String figure) {
    return configuration.get(figure).get("median").asDouble();
  }
}
