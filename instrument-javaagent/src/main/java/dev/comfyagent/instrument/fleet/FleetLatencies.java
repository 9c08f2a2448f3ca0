package dev.comfyagent.instrument.fleet;

import dev.comfyagent.instrument.record.ToolStats;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.HdrHistogram.Histogram;

/**
 * Every tool's latencies over any number of processes' HdrHistogram logs: the interval histograms
 * added up, per tool. A sum of histograms holds exactly the values recorded into its parts, so its
 * percentiles are those of one histogram of every call — what averaging each process's percentiles
 * can never give.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * FleetLatencies fleet = FleetLatencies.read(files.latencyLogs(), TimeWindow.all());
 * Histogram all = fleet.tools().get("load_workflow");
 * double p99Ms = all.getValueAtPercentile(99) / 1000.0;
 * }</pre>
 *
 * <p>Not thread-safe.
 */
public final class FleetLatencies {

  private final Map<String, Histogram> tools = new TreeMap<>();
  private final Set<String> instances = new TreeSet<>();
  private final List<String> problems = new ArrayList<>();
  private long firstStartMillis = Long.MAX_VALUE;
  private long lastEndMillis = Long.MIN_VALUE;
  private long intervals;
  private long skippedLines;
  private int files;

  /**
   * Reads and adds up every interval of {@code logs} that ends inside {@code window}; durations of
   * the window count back from the last interval's end.
   *
   * @throws IOException when a file cannot be read
   * @throws IllegalArgumentException when the window ends before it starts
   */
  public static FleetLatencies read(List<Path> logs, TimeWindow window) throws IOException {
    TimeWindow resolved = window;
    if (!window.isAll()) {
      long[] end = {Long.MIN_VALUE};
      for (Path log : logs) {
        LatencyLogReader.read(log, i -> end[0] = Math.max(end[0], i.endMillis()), true);
      }
      resolved = window.resolve(end[0]);
    }
    FleetLatencies fleet = new FleetLatencies();
    for (Path log : logs) {
      TimeWindow inside = resolved;
      LatencyLogReader.Outcome outcome =
          LatencyLogReader.read(
              log,
              interval -> {
                if (inside.contains(interval.endMillis())) {
                  fleet.add(interval);
                }
              });
      fleet.files++;
      fleet.skippedLines += outcome.skippedLines();
      if (outcome.firstProblem() != null) {
        fleet.problems.add(outcome.firstProblem());
      }
    }
    return fleet;
  }

  /** Adds one interval. */
  public void add(LatencyLogReader.Interval interval) {
    tools.computeIfAbsent(interval.tool(), t -> newHistogram()).add(interval.histogram());
    instances.add(interval.instanceId());
    firstStartMillis = Math.min(firstStartMillis, interval.startMillis());
    lastEndMillis = Math.max(lastEndMillis, interval.endMillis());
    intervals++;
  }

  /**
   * An empty histogram of the agent's precision that grows to any value: adding a process's
   * interval histogram keeps every value's bucket, so percentiles equal those of one histogram.
   */
  public static Histogram newHistogram() {
    Histogram histogram = new Histogram(ToolStats.SIGNIFICANT_DIGITS);
    histogram.setAutoResize(true);
    return histogram;
  }

  /** Per tool, every call's latency in microseconds, by tool name. */
  public Map<String, Histogram> tools() {
    return Collections.unmodifiableMap(tools);
  }

  /** The {@code service.instance.id}s (or file names, for logs without one) seen. */
  public Set<String> instances() {
    return Collections.unmodifiableSet(instances);
  }

  /** Intervals added. */
  public long intervals() {
    return intervals;
  }

  /** Files read. */
  public int files() {
    return files;
  }

  /** Lines that could not be read, over all files. */
  public long skippedLines() {
    return skippedLines;
  }

  /** The first unreadable line of each file that had one, as a sentence. */
  public List<String> problems() {
    return Collections.unmodifiableList(problems);
  }

  /** Start of the earliest interval added, epoch ms ({@link Long#MAX_VALUE} when none). */
  public long firstStartMillis() {
    return firstStartMillis;
  }

  /** End of the latest interval added, epoch ms ({@link Long#MIN_VALUE} when none). */
  public long lastEndMillis() {
    return lastEndMillis;
  }
}
