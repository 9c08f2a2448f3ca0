package dev.comfyagent.instrument.emit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.comfyagent.instrument.record.AgentHealth;
import dev.comfyagent.instrument.record.CircuitBreakerBoard;
import dev.comfyagent.instrument.record.RateLimiterBoard;
import dev.comfyagent.instrument.record.SessionGauge;
import dev.comfyagent.instrument.record.ToolStats;
import dev.comfyagent.instrument.record.ToolStatsRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsReporterTest {

  @TempDir Path dir;

  @Test
  void intervalsAddUpToTheTotalOnEveryLineWhileCallsRaceTheDump() throws Exception {
    ToolStatsRegistry tools = new ToolStatsRegistry(10);
    ToolStats echo = tools.forName("echo");
    AgentHealth health = new AgentHealth(false);
    Path path = dir.resolve("metrics.jsonl");
    AtomicBoolean running = new AtomicBoolean(true);
    List<Thread> callers = new ArrayList<>();
    try (JsonLinesFile file = new JsonLinesFile(path, 0, 0)) {
      MetricsReporter reporter =
          new MetricsReporter(
              file,
              new MetricsReporter.Sources(
                  tools,
                  new CircuitBreakerBoard(),
                  new RateLimiterBoard(),
                  new SessionGauge(registry -> -1),
                  health,
                  breaker -> null,
                  () -> 0,
                  () -> 0),
              System.nanoTime());
      for (int t = 0; t < 3; t++) {
        int n = t;
        Thread caller =
            new Thread(
                () -> {
                  long i = 0;
                  while (running.get()) {
                    echo.record(1_000 + (i++ % 50_000), (i + n) % 7 != 0);
                  }
                });
        caller.start();
        callers.add(caller);
      }
      for (int line = 0; line < 400; line++) {
        reporter.writeLine("interval");
      }
      running.set(false);
      for (Thread caller : callers) {
        caller.join();
      }
      reporter.writeLine("final");
    }
    long[] sum = new long[3];
    int lines = 0;
    for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
      long[] interval = counts(line, "interval");
      long[] total = counts(line, "total");
      for (int i = 0; i < 3; i++) {
        sum[i] += interval[i];
      }
      assertThat(sum)
          .as("intervals summed up to line %d against its total", lines)
          .isEqualTo(total);
      lines++;
    }
    assertThat(lines).isEqualTo(401);
    assertThat(sum[0]).isPositive();
    assertThat(health.internalErrors()).isZero();
  }

  /** {calls, ok, err} of tool echo in section {@code section} of one metrics line. */
  private static long[] counts(String line, String section) throws IOException {
    long[] counts = new long[3];
    try (JsonParser json = new JsonFactory().createParser(line)) {
      json.nextToken();
      descend(json, section);
      descend(json, "tools");
      if (!descend(json, "echo")) {
        return counts;
      }
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        String field = json.getCurrentName();
        json.nextToken();
        switch (field) {
          case "calls" -> counts[0] = json.getLongValue();
          case "ok" -> counts[1] = json.getLongValue();
          case "err" -> counts[2] = json.getLongValue();
          default -> json.skipChildren();
        }
      }
    }
    return counts;
  }

  /** Moves into the object value of {@code name} in the current object; false if absent. */
  private static boolean descend(JsonParser json, String name) throws IOException {
    while (json.nextToken() == JsonToken.FIELD_NAME) {
      String field = json.getCurrentName();
      json.nextToken();
      if (field.equals(name)) {
        return true;
      }
      json.skipChildren();
    }
    return false;
  }
}
