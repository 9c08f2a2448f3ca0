package dev.comfyagent.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportBenchmarkTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void theGeneratedRunHasTheAskedSizeInTheAgentsFormats() throws Exception {
    ReportBenchmark.write(dir, 1_000, 2);
    long traceLines = 0;
    try (var files = Files.list(dir)) {
      for (Path file :
          files.filter(f -> f.getFileName().toString().startsWith("traces")).toList()) {
        for (String line : Files.readAllLines(file)) {
          JsonNode trace = JSON.readTree(line);
          assertThat(trace.path("tool_name").asText()).isIn((Object[]) ReportBenchmark.TOOLS);
          assertThat(trace.path("duration_ms").isNumber()).isTrue();
          traceLines++;
        }
      }
    }
    assertThat(traceLines).isEqualTo(1_000);
    List<String> metrics = Files.readAllLines(dir.resolve("metrics.jsonl"));
    assertThat(metrics).hasSize(120);
    assertThat(JSON.readTree(metrics.get(119)).path("type").asText()).isEqualTo("final");
    int intervals = 0;
    try (HistogramLogReader reader = new HistogramLogReader(dir.resolve("latency.hlog").toFile())) {
      EncodableHistogram h;
      while ((h = reader.nextIntervalHistogram()) != null) {
        assertThat(h.getTag()).isIn((Object[]) ReportBenchmark.TOOLS);
        intervals++;
      }
    }
    assertThat(intervals).isGreaterThan(120);
  }
}
