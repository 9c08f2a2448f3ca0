package dev.comfyagent.instrument.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads metrics.jsonl files into {@link MetricsPoint}s, per process: the first pass of the report,
 * which gives the time range and the counts.
 */
final class MetricsFiles {

  private MetricsFiles() {}

  /**
   * Every readable line of the metrics files, per {@code service.instance.id} in time order;
   * unreadable lines are counted per file into {@code unreadable}.
   */
  static Map<String, List<MetricsPoint>> read(List<Path> files, List<Run.Unreadable> unreadable)
      throws IOException {
    Map<String, List<MetricsPoint>> metrics = new TreeMap<>();
    for (Path file : files) {
      Path name = file.getFileName();
      String legacy = "pid ";
      long[] bad = {0};
      String[] firstProblem = {null};
      JsonLines.forEach(
          file,
          (bytes, offset, length, lineNumber, fileOffset) -> {
            try {
              Object tree = JsonLines.tree(bytes, offset, length);
              if (!(tree instanceof Map<?, ?> map)) {
                throw new IOException("not a JSON object");
              }
              @SuppressWarnings("unchecked")
              MetricsPoint point = MetricsPoint.of((Map<String, Object>) map, legacy);
              metrics.computeIfAbsent(point.instance, k -> new ArrayList<>()).add(point);
            } catch (IOException | RuntimeException e) {
              bad[0]++;
              if (firstProblem[0] == null) {
                firstProblem[0] = file + " line " + lineNumber + ": " + JsonLines.problem(e);
              }
            }
          });
      if (bad[0] > 0) {
        unreadable.add(
            new Run.Unreadable("metrics " + (name == null ? file : name), bad[0], firstProblem[0]));
      }
    }
    for (List<MetricsPoint> points : metrics.values()) {
      points.sort(Comparator.comparingLong(p -> p.tsMillis));
    }
    return metrics;
  }
}
