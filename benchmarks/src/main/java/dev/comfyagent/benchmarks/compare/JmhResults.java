package dev.comfyagent.benchmarks.compare;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a JMH JSON result file ({@code -rf json}) into {@link Metric}s the comparator matches up:
 * the primary score of each benchmark, for sample-time benchmarks also p50, p99 and p99.9, and the
 * allocation per operation ({@code gc.alloc.rate.norm}, B/op) when the GC profiler ran.
 *
 * <p>Stateless and thread-safe.
 */
public final class JmhResults {

  /** Secondary metrics worth comparing; the others (GC counts, rates in MB/s) are too noisy. */
  static final String ALLOCATION = "gc.alloc.rate.norm";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[][] PERCENTILES = {
    {"50.0", "p0.50"}, {"99.0", "p0.99"}, {"99.9", "p0.999"}
  };

  private JmhResults() {}

  /**
   * The metrics of one result file.
   *
   * @throws IOException naming the file when it is missing, not JSON, or not a JMH result array
   */
  public static List<Metric> read(Path file) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readString(file));
    } catch (NoSuchFileException e) {
      throw new IOException(file + ": no such file", e);
    } catch (JsonProcessingException e) {
      throw new IOException(file + ": not JSON (" + e.getOriginalMessage() + ")", e);
    }
    if (root == null || !root.isArray()) {
      throw new IOException(file + ": not a JMH JSON result (expected an array of benchmarks)");
    }
    List<Metric> metrics = new ArrayList<>();
    for (int i = 0; i < root.size(); i++) {
      JsonNode run = root.get(i);
      String benchmark = run.path("benchmark").asText(null);
      JsonNode primary = run.get("primaryMetric");
      if (benchmark == null || primary == null || !primary.has("score")) {
        throw new IOException(
            file + ": entry " + i + " is not a JMH result (no benchmark or primaryMetric.score)");
      }
      String mode = run.path("mode").asText("avgt");
      Map<String, String> params = new TreeMap<>();
      for (Map.Entry<String, JsonNode> p : run.path("params").properties()) {
        params.put(p.getKey(), p.getValue().asText());
      }
      String unit = primary.path("scoreUnit").asText("");
      metrics.add(
          new Metric(
              benchmark,
              params,
              mode,
              "score",
              primary.get("score").asDouble(),
              primary.path("scoreError").asDouble(Double.NaN),
              unit));
      if ("sample".equals(mode)) {
        JsonNode percentiles = primary.path("scorePercentiles");
        for (String[] p : PERCENTILES) {
          if (percentiles.has(p[0])) {
            metrics.add(
                new Metric(
                    benchmark,
                    params,
                    mode,
                    p[1],
                    percentiles.get(p[0]).asDouble(),
                    Double.NaN,
                    unit));
          }
        }
      }
      for (Map.Entry<String, JsonNode> secondary : run.path("secondaryMetrics").properties()) {
        // JMH prefixes profiler metrics with a middle dot: "·gc.alloc.rate.norm".
        String name = secondary.getKey().replaceFirst("^\\u00b7", "");
        if (ALLOCATION.equals(name)) {
          JsonNode m = secondary.getValue();
          metrics.add(
              new Metric(
                  benchmark,
                  params,
                  mode,
                  name,
                  m.path("score").asDouble(),
                  m.path("scoreError").asDouble(Double.NaN),
                  m.path("scoreUnit").asText("B/op")));
        }
      }
    }
    return metrics;
  }

  /**
   * One number of a run.
   *
   * @param benchmark the benchmark's full name ({@code
   *     dev...WorkflowParseBenchmark.parseApiFormat})
   * @param params its JMH parameters, sorted by name
   * @param mode JMH's mode: {@code thrpt}, {@code avgt}, {@code sample}, {@code ss}
   * @param metric {@code score}, a percentile ({@code p0.99}) or {@code gc.alloc.rate.norm}
   * @param score the value
   * @param error the 99.9% confidence half-width, NaN when JMH gives none
   * @param unit JMH's unit ({@code ns/op}, {@code ops/s}, {@code B/op})
   */
  public record Metric(
      String benchmark,
      Map<String, String> params,
      String mode,
      String metric,
      double score,
      double error,
      String unit) {

    public Metric {
      params = Map.copyOf(params);
    }

    /** What identifies the same number in another run. */
    public String key() {
      return benchmark + " " + new TreeMap<>(params) + " " + mode + " " + metric;
    }

    /** Whether a smaller value is better: times per operation and bytes per operation. */
    public boolean lowerIsBetter() {
      if (unit.endsWith("/op")) {
        return true;
      }
      if (unit.startsWith("ops/")) {
        return false;
      }
      return !"thrpt".equals(mode);
    }

    /** Below this, differences are measurement noise (GC profiler rounding of B/op). */
    public double noiseFloor() {
      return "B/op".equals(unit) ? 1.0 : 0.0;
    }
  }
}
