package dev.comfyagent.it.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfyagent.it.fixture.IsolatedToolHost;
import dev.comfyagent.it.harness.AgentOutput;
import dev.comfyagent.it.harness.ChildJvm;
import dev.comfyagent.it.harness.FakeToolFixtures;
import dev.comfyagent.it.harness.OtlpReceiver;
import dev.comfyagent.it.harness.PackagedJars;
import dev.comfyagent.it.harness.PrometheusServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * 8 threads × 50,000 calls with {@code /metrics} scraped all along and OTLP on: every figure is
 * exact in metrics.jsonl, in the last scrape and in the last OTLP export, and every trace event is
 * a span the collector got or one counted as dropped.
 */
class ConcurrentCallsWithExportsIT {

  private static final int THREADS = 8;
  private static final int CALLS_PER_THREAD = 50_000;
  private static final long TOTAL = (long) THREADS * CALLS_PER_THREAD;
  private static final Pattern ECHO_OK =
      Pattern.compile(
          "comfyagent_tool_calls_total\\{gen_ai_tool_name=\"echo\",outcome=\"ok\"} (\\d+)");

  @Test
  void everyFigureIsExactWithTheEndpointScrapedAndOtlpOn() throws Exception {
    Path dir = PackagedJars.workDir("concurrent-exports");
    int port = PrometheusServer.freePort();
    HttpClient http = HttpClient.newHttpClient();
    AtomicBoolean flooding = new AtomicBoolean(true);
    AtomicLong scrapes = new AtomicLong();
    AtomicLong lastSeen = new AtomicLong();
    AtomicBoolean wentBack = new AtomicBoolean();
    try (OtlpReceiver collector = new OtlpReceiver()) {
      Thread scraper =
          new Thread(
              () -> {
                while (flooding.get()) {
                  try {
                    String text =
                        http.send(
                                HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + port + "/metrics"))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                                HttpResponse.BodyHandlers.ofString())
                            .body();
                    Matcher ok = ECHO_OK.matcher(text);
                    if (ok.find()) {
                      long now = Long.parseLong(ok.group(1));
                      if (now < lastSeen.get()) {
                        wentBack.set(true);
                      }
                      lastSeen.set(now);
                      scrapes.incrementAndGet();
                    }
                    Thread.sleep(20);
                  } catch (Exception e) {
                    // not listening yet, or gone at the end
                  }
                }
              });
      scraper.start();
      try (ChildJvm host =
          ChildJvm.java()
              .agent(
                  "output.dir="
                      + dir.resolve("logs")
                      + ",metrics.interval=1s,metrics.http="
                      + port
                      + ",otlp.interval=1s,otlp.endpoint="
                      + collector.endpoint())
              .classPath(PackagedJars.testClassPath())
              .main(IsolatedToolHost.class.getName())
              .args(
                  PackagedJars.runtimeJar().toString(),
                  FakeToolFixtures.classesDir().toString(),
                  "flood",
                  String.valueOf(THREADS),
                  String.valueOf(CALLS_PER_THREAD))
              .workDir(dir)
              .start()) {
        assertThat(host.waitFor(Duration.ofMinutes(5))).as(host.stderr()).isZero();
        assertThat(host.stdout().strip()).isEqualTo("flood done " + TOTAL);
      } finally {
        flooding.set(false);
        scraper.join();
      }
      assertThat(scrapes.get()).as("scraped during the flood").isPositive();
      assertThat(wentBack).as("a counter never goes back").isFalse();

      AgentOutput output = new AgentOutput(dir.resolve("logs"));
      JsonNode echo = output.toolTotal("echo");
      assertThat(echo.path("calls").asLong()).isEqualTo(TOTAL);
      assertThat(echo.path("ok").asLong()).isEqualTo(TOTAL);

      List<ExportMetricsServiceRequest> exports = collector.metrics();
      Map<String, Metric> last =
          exports
              .get(exports.size() - 1)
              .getResourceMetrics(0)
              .getScopeMetrics(0)
              .getMetricsList()
              .stream()
              .collect(Collectors.toMap(Metric::getName, m -> m));
      long okPoints = 0;
      long errPoints = 0;
      for (NumberDataPoint p : last.get("comfyagent.tool.calls").getSum().getDataPointsList()) {
        Map<String, String> a =
            p.getAttributesList().stream()
                .collect(Collectors.toMap(KeyValue::getKey, kv -> kv.getValue().getStringValue()));
        if (a.get("gen_ai.tool.name").equals("echo")) {
          if (a.get("outcome").equals("ok")) {
            okPoints += p.getAsInt();
          } else {
            errPoints += p.getAsInt();
          }
        }
      }
      assertThat(okPoints).isEqualTo(TOTAL);
      assertThat(errPoints).isZero();
      assertThat(
              last.get("mcp.server.operation.duration").getHistogram().getDataPointsList().stream()
                  .filter(
                      p ->
                          p.getAttributesList().stream()
                              .anyMatch(kv -> kv.getValue().getStringValue().equals("echo")))
                  .findFirst()
                  .orElseThrow()
                  .getCount())
          .isEqualTo(TOTAL);

      long written = sole(last, "comfyagent.agent.trace_lines.written");
      long dropped = sole(last, "comfyagent.agent.trace_lines.dropped");
      assertThat(written + dropped).isEqualTo(TOTAL);
      long spans = collector.spans().size();
      long spansDropped = sole(last, "comfyagent.agent.otlp.spans.dropped");
      assertThat(sole(last, "comfyagent.agent.otlp.spans.exported")).isEqualTo(spans);
      assertThat(spans + spansDropped).as("every trace event a span or a drop").isEqualTo(written);
      assertThat(sole(last, "comfyagent.agent.internal_errors")).isZero();
    }
  }

  private static long sole(Map<String, Metric> metrics, String name) {
    return metrics.get(name).getSum().getDataPoints(0).getAsInt();
  }
}
