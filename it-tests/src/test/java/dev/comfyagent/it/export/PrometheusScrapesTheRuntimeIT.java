package dev.comfyagent.it.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfyagent.it.harness.AgentOutput;
import dev.comfyagent.it.harness.PackagedJars;
import dev.comfyagent.it.harness.PrometheusServer;
import dev.comfyagent.it.harness.RuntimeServer;
import dev.comfyagent.simulator.ComfyUiSimulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * A real Prometheus scrapes the agent of the packaged runtime ({@code metrics.http}) while the SDK
 * client makes a known mix of calls: its HTTP API then gives every call per tool and outcome, and
 * {@code histogram_quantile(0.99, ...)} over the agent's buckets falls in the bucket of the agent's
 * own p99; {@code promtool check metrics} accepts the Prometheus text, and the scrape itself (which
 * Prometheus asks for in OpenMetrics) succeeds.
 */
class PrometheusScrapesTheRuntimeIT {

  /** The agent's bucket bounds in seconds (DurationBuckets), ascending. */
  private static final double[] BOUNDS = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300,
    600, 1800
  };

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void prometheusCountsEveryCallAndItsP99LiesInTheBucketOfTheAgentsP99() throws Exception {
    assumeTrue(PrometheusServer.installed(), PrometheusServer.MISSING);
    Path dir = PackagedJars.workDir("prometheus");
    int port = PrometheusServer.freePort();
    Map<String, Long> expected = new LinkedHashMap<>();
    try (ComfyUiSimulator comfy =
            ComfyUiSimulator.builder().port(0).stepDelay(Duration.ofMillis(5)).start();
        RuntimeServer runtime =
            RuntimeServer.with(dir.resolve("runtime"), comfy)
                .agent(
                    "output.dir="
                        + dir.resolve("logs")
                        + ",metrics.http="
                        + port
                        + ",metrics.interval=500ms,gpu=off")
                .start();
        PrometheusServer prometheus =
            PrometheusServer.scraping(dir.resolve("prometheus"), List.of("127.0.0.1:" + port))) {
      for (int i = 0; i < 20; i++) {
        runtime.call("load_workflow", Map.of("workflow", RuntimeServer.workflow()));
      }
      for (int i = 0; i < 5; i++) {
        runtime.call("load_workflow", Map.of("workflow", "{not json"));
      }
      for (int i = 0; i < 30; i++) {
        runtime.call("search_nodes", Map.of("query", i % 2 == 0 ? "sampler" : "vae"));
      }
      for (int i = 0; i < 10; i++) {
        runtime.call("get_workflow_summary", Map.of());
      }
      expected.put("load_workflow/ok", 20L);
      expected.put("load_workflow/error", 5L);
      expected.put("search_nodes/ok", 30L);
      expected.put("get_workflow_summary/ok", 10L);

      Map<String, Long> seen = Map.of();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        seen =
            byToolAndOutcome(
                prometheus.query(
                    "sum by (gen_ai_tool_name, outcome) (comfyagent_tool_calls_total)"));
        if (seen.entrySet().containsAll(expected.entrySet())) {
          break;
        }
        Thread.sleep(250);
      }
      assertThat(seen).as(prometheus.log()).containsAllEntriesOf(expected);
      assertThat(seen.getOrDefault("search_nodes/error", 0L)).isZero();
      assertThat(prometheus.targets().get(0).path("health").asText())
          .as("the OpenMetrics scrape succeeded: " + prometheus.targets())
          .isEqualTo("up");

      String text = scrape(port, null);
      assertThat(promtoolAccepts(text)).as(text).isEmpty();
      assertThat(scrape(port, "application/openmetrics-text;version=1.0.0")).endsWith("# EOF\n");

      AgentOutput output = new AgentOutput(dir.resolve("logs"));
      JsonNode line = lineWithAllCalls(output, 65);
      JsonNode p99s =
          prometheus.query(
              "histogram_quantile(0.99, sum by (le, gen_ai_tool_name)"
                  + " (mcp_server_operation_duration_seconds_bucket))");
      Map<String, Double> fromPrometheus = new HashMap<>();
      for (JsonNode sample : p99s) {
        fromPrometheus.put(
            sample.path("metric").path("gen_ai_tool_name").asText(),
            Double.parseDouble(sample.path("value").get(1).asText()));
      }
      Histogram resolution = new Histogram(1, 3_600_000_000L, 2);
      for (String tool : List.of("load_workflow", "search_nodes", "get_workflow_summary")) {
        long agentP99Micros =
            Math.round(
                line.path("total").path("tools").path(tool).path("p99_ms").asDouble() * 1000);
        // The agent's p99 is its HdrHistogram bucket's top value; the bucket it is counted in is
        // the first bound at or above that bucket's lowest value.
        double lowest = resolution.lowestEquivalentValue(agentP99Micros) / 1e6;
        int k = 0;
        while (k < BOUNDS.length && BOUNDS[k] < lowest) {
          k++;
        }
        double lower = k == 0 ? 0 : BOUNDS[k - 1];
        double upper = k < BOUNDS.length ? BOUNDS[k] : Double.POSITIVE_INFINITY;
        assertThat(fromPrometheus.get(tool))
            .as(
                tool
                    + ": agent p99 "
                    + agentP99Micros
                    + " µs, bucket ("
                    + lower
                    + ", "
                    + upper
                    + "]")
            .isBetween(lower, upper);
      }

      JsonNode targetInfo = prometheus.query("target_info");
      assertThat(targetInfo.get(0).path("metric").path("service_instance_id").asText())
          .isEqualTo(line.path("service.instance.id").asText());
      assertThat(targetInfo.get(0).path("metric").path("service_name").asText())
          .isEqualTo("agent-runtime");
    }
  }

  private static Map<String, Long> byToolAndOutcome(JsonNode result) {
    Map<String, Long> counts = new HashMap<>();
    for (JsonNode sample : result) {
      counts.put(
          sample.path("metric").path("gen_ai_tool_name").asText()
              + "/"
              + sample.path("metric").path("outcome").asText(),
          (long) Double.parseDouble(sample.path("value").get(1).asText()));
    }
    return counts;
  }

  private String scrape(int port, String accept) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"));
    if (accept != null) {
      request.header("Accept", accept);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  /** What {@code promtool check metrics} says of {@code text}: empty when it accepts it. */
  private static String promtoolAccepts(String text) throws Exception {
    Process promtool =
        new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
    promtool.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    promtool.getOutputStream().close();
    String said = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int status = promtool.waitFor();
    return status == 0 && said.isBlank() ? "" : "status " + status + ": " + said;
  }

  /** The latest metrics line whose totals hold {@code calls} calls, waiting for it. */
  private static JsonNode lineWithAllCalls(AgentOutput output, long calls) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      List<JsonNode> lines = output.metricsLines();
      if (!lines.isEmpty()) {
        JsonNode last = lines.get(lines.size() - 1);
        long total = 0;
        for (JsonNode tool : last.path("total").path("tools")) {
          total += tool.path("calls").asLong();
        }
        if (total >= calls || System.nanoTime() > deadline) {
          return last;
        }
      }
      Thread.sleep(100);
    }
  }
}
