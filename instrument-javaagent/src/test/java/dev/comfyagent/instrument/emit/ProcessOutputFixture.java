package dev.comfyagent.instrument.emit;

import dev.comfyagent.instrument.record.AgentHealth;
import dev.comfyagent.instrument.record.CircuitBreakerBoard;
import dev.comfyagent.instrument.record.RateLimiterBoard;
import dev.comfyagent.instrument.record.SessionGauge;
import dev.comfyagent.instrument.record.ToolStatsRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One process's metrics.jsonl and latency.hlog written by the agent's own reporter: each interval
 * records the given latencies (microseconds) per tool, then writes a metrics line, as the running
 * agent does; the last line is the final one.
 */
public final class ProcessOutputFixture {

  private ProcessOutputFixture() {}

  /**
   * Writes the files of {@code identity} into {@code dir} (its own names when another holds the
   * plain ones).
   *
   * @param intervals per interval, per tool, the latencies in microseconds; a negative value is a
   *     failed call of that latency
   * @return the files claimed, still held: close them to free the plain names
   */
  public static OutputFiles write(
      Path dir, ProcessIdentity identity, List<Map<String, long[]>> intervals) throws IOException {
    OutputFiles files = OutputFiles.claim(dir, identity);
    ToolStatsRegistry tools = new ToolStatsRegistry(500);
    AgentHealth health = new AgentHealth(false);
    try (JsonLinesFile metrics = new JsonLinesFile(files.metrics(), 0, 0);
        HistogramLogFile log = new HistogramLogFile(files.latencyLog(), 0, 0, identity)) {
      MetricsReporter reporter =
          new MetricsReporter(
              metrics,
              new MetricsReporter.Sources(
                  tools,
                  new CircuitBreakerBoard(),
                  new RateLimiterBoard(),
                  new SessionGauge(registry -> 0),
                  health,
                  instance -> "CLOSED",
                  () -> 0,
                  () -> 0),
              System.nanoTime(),
              identity,
              log);
      for (int i = 0; i < intervals.size(); i++) {
        intervals
            .get(i)
            .forEach(
                (tool, micros) -> {
                  for (long value : micros) {
                    tools.forName(tool).record(Math.abs(value) * 1000, value >= 0);
                  }
                });
        if (i == intervals.size() - 1) {
          reporter.finish();
        } else {
          reporter.writeLine("interval");
        }
      }
    }
    return files;
  }
}
