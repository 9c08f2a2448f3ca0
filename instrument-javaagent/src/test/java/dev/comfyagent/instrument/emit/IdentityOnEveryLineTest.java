package dev.comfyagent.instrument.emit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comfyagent.instrument.record.AgentHealth;
import dev.comfyagent.instrument.record.TraceEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityOnEveryLineTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private final ProcessIdentity identity =
      ProcessIdentity.of("agent-runtime", "0.1.0", "render-07", 1, 1_764_065_730_000L);

  @Test
  void everyMetricsLineCarriesTheProcessIdentity() throws Exception {
    ProcessOutputFixture.write(
            dir,
            identity,
            List.of(
                Map.of("load_workflow", new long[] {1_000}),
                Map.of("load_workflow", new long[] {2_000})))
        .close();
    List<String> lines = Files.readAllLines(dir.resolve("metrics.jsonl"));
    assertThat(lines).hasSize(2);
    for (String text : lines) {
      JsonNode line = JSON.readTree(text);
      assertThat(line.path("service.name").asText()).isEqualTo("agent-runtime");
      assertThat(line.path("service.instance.id").asText()).isEqualTo(identity.instanceId());
      assertThat(line.path("telemetry.distro.version").asText()).isEqualTo("0.1.0");
    }
  }

  @Test
  void everyTraceLineCarriesTheProcessIdentity() throws Exception {
    TraceQueue queue = new TraceQueue(10);
    Path file = dir.resolve("traces.jsonl");
    TraceWriter writer =
        new TraceWriter(queue, new JsonLinesFile(file, 0, 0), new AgentHealth(false), identity);
    writer.start();
    queue.offer(new TraceEvent(0, "c", "t", 1000, true, "", 1, 0, null, false, null, null));
    writer.stop(5000);
    JsonNode line = JSON.readTree(Files.readAllLines(file).get(0));
    assertThat(line.path("service.name").asText()).isEqualTo("agent-runtime");
    assertThat(line.path("service.instance.id").asText()).isEqualTo(identity.instanceId());
    assertThat(line.path("telemetry.distro.version").asText()).isEqualTo("0.1.0");
  }

  @Test
  void theLatencyLogHoldsExactlyTheValuesBehindEachIntervalAndTheTotals() throws Exception {
    long[] first = {1_200, 1_500, 90_000, 7};
    long[] second = {-2_000, 55_555, 3_000_000};
    ProcessOutputFixture.write(dir, identity, List.of(Map.of("t", first), Map.of("t", second)))
        .close();

    Histogram all = new Histogram(1, 3_600_000_000L, 2);
    Histogram fromLog = new Histogram(1, 3_600_000_000L, 2);
    for (long v : first) {
      all.recordValue(Math.abs(v));
    }
    for (long v : second) {
      all.recordValue(Math.abs(v));
    }
    int intervals = 0;
    try (HistogramLogReader reader = new HistogramLogReader(dir.resolve("latency.hlog").toFile())) {
      EncodableHistogram h;
      while ((h = reader.nextIntervalHistogram()) != null) {
        intervals++;
        fromLog.add((Histogram) h);
      }
    }
    assertThat(intervals).isEqualTo(2);
    assertThat(fromLog).isEqualTo(all);
    List<String> lines = Files.readAllLines(dir.resolve("metrics.jsonl"));
    JsonNode total = JSON.readTree(lines.get(1)).path("total").path("tools").path("t");
    assertThat(total.path("calls").asLong()).isEqualTo(fromLog.getTotalCount());
    assertThat(total.path("err").asLong()).isEqualTo(1);
    assertThat(total.path("p99_ms").decimalValue())
        .isEqualByComparingTo(java.math.BigDecimal.valueOf(fromLog.getValueAtPercentile(99), 3));
    assertThat(total.path("max_ms").decimalValue())
        .isEqualByComparingTo(java.math.BigDecimal.valueOf(fromLog.getMaxValue(), 3));
  }
}
