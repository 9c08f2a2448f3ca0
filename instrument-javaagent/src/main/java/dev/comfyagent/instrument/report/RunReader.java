package dev.comfyagent.instrument.report;

import dev.comfyagent.instrument.fleet.AgentFiles;
import dev.comfyagent.instrument.fleet.LatencyLogReader;
import dev.comfyagent.instrument.fleet.TimeWindow;
import dev.comfyagent.instrument.host.RuntimeContract;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads one or many processes' metrics, HdrHistogram logs and traces into a {@link Run}, streaming
 * (a million trace lines are never held): metrics lines first (they give the time range and the
 * counts), then the HdrHistogram logs (exact latencies per bin), then the traces (latencies when
 * there is no log, the renders, the chains), and the traces once more for the ten slowest chains'
 * calls.
 *
 * <p>What comes from where: call and error counts from metrics.jsonl (exact, whatever traces were
 * dropped), else traces; latencies from the HdrHistogram logs, else traces, else (for the table of
 * a single process only) metrics.jsonl's own percentiles; everything else from metrics.jsonl.
 *
 * <p>Each source has its reader: {@link MetricsFiles} and {@link MetricsFigures} (with {@link
 * BreakerTimelines}), {@link LatencyLogs}, {@link TraceFiles} and {@link SlowestChains}, the
 * parallel parts run by {@link ParallelReads}; this class orders them and derives what needs them
 * all (the time range, the bins, each tool's percentiles).
 *
 * <p>Usage:
 *
 * <pre>{@code
 * Run run = RunReader.read(AgentFiles.find(paths), TimeWindow.parse("6h", null), 240);
 * }</pre>
 */
final class RunReader {

  /** The most slow chains shown. */
  static final int SLOWEST_CHAINS = 10;

  /** The most calls kept per slow chain. */
  static final int CHAIN_CALLS = 200;

  /** The tool whose calls are renders (shaded behind the GPU plots). */
  static final String RENDER_TOOL = RuntimeContract.RENDER_TOOL;

  private final Run run = new Run();
  private Map<String, List<MetricsPoint>> metrics;
  private BinnedLatencies latencies;

  private RunReader() {}

  /**
   * Reads the files.
   *
   * @param window the span to show
   * @param maxBins the most time bins of a plot
   * @throws IOException when a file cannot be read
   * @throws IllegalArgumentException when the files hold nothing inside the window
   */
  static Run read(AgentFiles files, TimeWindow window, int maxBins) throws IOException {
    RunReader reader = new RunReader();
    reader.metrics = MetricsFiles.read(files.metrics(), reader.run.unreadable);
    long[] range = reader.dataRange(files);
    reader.run.window = window.resolve(range[1]);
    long from = Math.max(range[0], reader.run.window.since());
    long to = Math.min(range[1], reader.run.window.until());
    if (from > to) {
      throw new IllegalArgumentException(
          "no data between --since and --until (the files cover "
              + Timestamps.format(range[0])
              + " to "
              + Timestamps.format(range[1])
              + " UTC)");
    }
    reader.run.firstMillis = from;
    reader.run.lastMillis = to;
    reader.run.bins = TimeBins.covering(from, to, reader.typicalIntervalMillis(), maxBins);
    reader.latencies = new BinnedLatencies(reader.run.bins);
    new LatencyLogs(reader.run, reader.latencies).read(files.latencyLogs());
    new TraceFiles(reader.run, reader.latencies).read(files.traces(), reader.metrics.isEmpty());
    new MetricsFigures(reader.run).add(reader.metrics);
    reader.buildTools();
    for (Path file : files.all()) {
      reader.run.files.add(file.toString());
    }
    return reader.run;
  }

  /** The earliest start and latest end of any record, without reading traces when avoidable. */
  private long[] dataRange(AgentFiles files) throws IOException {
    long[] range = {Long.MAX_VALUE, Long.MIN_VALUE};
    for (List<MetricsPoint> points : metrics.values()) {
      for (MetricsPoint p : points) {
        range[0] = Math.min(range[0], p.intervalStartMillis());
        range[1] = Math.max(range[1], p.tsMillis);
      }
    }
    for (Path log : files.latencyLogs()) {
      LatencyLogReader.read(
          log,
          interval -> {
            range[0] = Math.min(range[0], interval.startMillis());
            range[1] = Math.max(range[1], interval.endMillis());
          },
          true);
    }
    for (Path traces : files.traces()) {
      long[] ends = TraceFiles.fileEnds(traces);
      range[0] = Math.min(range[0], ends[0]);
      range[1] = Math.max(range[1], ends[1]);
    }
    if (range[0] > range[1]) {
      throw new IllegalArgumentException("the files hold no line that could be read");
    }
    return range;
  }

  /** The median metrics interval: bins are never narrower. */
  private long typicalIntervalMillis() {
    List<Long> intervals = new ArrayList<>();
    for (List<MetricsPoint> points : metrics.values()) {
      for (MetricsPoint p : points) {
        if (p.intervalMillis > 0 && !p.finalLine) {
          intervals.add(p.intervalMillis);
        }
      }
    }
    if (intervals.isEmpty()) {
      return 0;
    }
    intervals.sort(null);
    return intervals.get(intervals.size() / 2);
  }

  /** Per-bin latencies and whole-run percentiles of every tool. */
  private void buildTools() {
    Map<String, org.HdrHistogram.Histogram> whole = latencies.wholeRun();
    for (String name : whole.keySet()) {
      run.tool(name);
    }
    for (Run.Tool tool : run.tools.values()) {
      org.HdrHistogram.Histogram h = whole.get(tool.name);
      if (h != null && h.getTotalCount() > 0) {
        tool.latencies = h;
        tool.p50 = h.getValueAtPercentile(50) / 1000.0;
        tool.p95 = h.getValueAtPercentile(95) / 1000.0;
        tool.p99 = h.getValueAtPercentile(99) / 1000.0;
        tool.max = h.getMaxValue() / 1000.0;
        tool.perBin = latencies.percentiles(tool.name);
      } else if (run.window.isAll() && metrics.size() == 1) {
        List<MetricsPoint> points = metrics.values().iterator().next();
        MetricsPoint.ToolCounts total = points.get(points.size() - 1).totalTools.get(tool.name);
        if (total != null) {
          tool.p50 = total.p50();
          tool.p95 = total.p95();
          tool.p99 = total.p99();
          tool.max = total.max();
        }
      }
    }
    if (run.latencySource == Run.Source.NONE
        && run.tools.values().stream().anyMatch(t -> !Double.isNaN(t.p50))) {
      run.latencySource = Run.Source.METRICS;
    }
  }
}
