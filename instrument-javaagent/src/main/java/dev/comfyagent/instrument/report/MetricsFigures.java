package dev.comfyagent.instrument.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything the report takes from metrics lines: per process its lines, gaps, agent counters and
 * GPU errors; per tool the calls and errors per bin (and, for the whole run, the last line's
 * since-start totals, which rotation cannot have cut); rate-limiter rejections; and the gauges
 * (sessions, heap, probes, GPU) per process over time, each thinned to the plot's bins keeping the
 * highest value.
 */
final class MetricsFigures {

  private static final double MIB = 1024.0 * 1024;
  private static final double GIB = MIB * 1024;

  private final Run run;

  /**
   * @param run where the figures go, with its window and bins set
   */
  MetricsFigures(Run run) {
    this.run = run;
  }

  /** Adds the processes, counts, limiters, gauges, probes, GPU and breakers of {@code metrics}. */
  void add(Map<String, List<MetricsPoint>> metrics) {
    if (!metrics.isEmpty()) {
      run.countsSource = Run.Source.METRICS;
    }
    TimeBins bins = run.bins;
    for (Map.Entry<String, List<MetricsPoint>> entry : metrics.entrySet()) {
      String instance = entry.getKey();
      List<MetricsPoint> points = entry.getValue();
      Run.Process process = run.process(instance);
      Map<String, List<double[]>> probeValues = new TreeMap<>();
      List<double[]> sessions = new ArrayList<>();
      List<double[]> heap = new ArrayList<>();
      List<double[]> gpuUtil = new ArrayList<>();
      List<double[]> vram = new ArrayList<>();
      long lastGpuAt = Long.MIN_VALUE;
      MetricsPoint previous = null;
      for (MetricsPoint p : points) {
        process.metricsLines++;
        process.seen(p.intervalStartMillis());
        process.seen(p.tsMillis);
        process.finalLine |= p.finalLine;
        if (p.serviceName != null) {
          process.serviceName = p.serviceName;
        }
        if (p.version != null) {
          process.version = p.version;
        }
        process.pid = p.pid;
        process.agent.putAll(p.agent);
        process.gpuErrors.putAll(p.gpuErrors);
        if (previous != null
            && p.intervalMillis > 0
            && p.tsMillis - previous.tsMillis > 2 * p.intervalMillis + 1000) {
          process.gaps.add(new long[] {previous.tsMillis, p.intervalStartMillis()});
        }
        previous = p;
        if (!run.window.contains(p.tsMillis)) {
          continue;
        }
        int bin = bins.indexOf(p.tsMillis);
        for (Map.Entry<String, MetricsPoint.ToolCounts> t : p.intervalTools.entrySet()) {
          Run.Tool tool = run.tool(t.getKey());
          tool.callsPerBin[bin] += t.getValue().calls();
          tool.errorsPerBin[bin] += t.getValue().err();
          if (!run.window.isAll()) {
            tool.calls += t.getValue().calls();
            tool.ok += t.getValue().ok();
            tool.err += t.getValue().err();
          }
        }
        for (Map.Entry<String, long[]> l : p.intervalLimiters.entrySet()) {
          run.limiterRejectedPerBin.computeIfAbsent(l.getKey(), k -> new long[bins.count()])[bin] +=
              l.getValue()[1];
          long[] totals = run.limiterTotals.computeIfAbsent(l.getKey(), k -> new long[2]);
          totals[0] += l.getValue()[0];
          totals[1] += l.getValue()[1];
        }
        if (!Double.isNaN(p.sessions)) {
          sessions.add(new double[] {p.tsMillis, p.sessions});
        }
        if (!Double.isNaN(p.heapUsed)) {
          heap.add(new double[] {p.tsMillis, p.heapUsed / MIB});
        }
        if (!Double.isNaN(p.heapMax)) {
          run.heapMaxMiB =
              Double.isNaN(run.heapMaxMiB)
                  ? p.heapMax / MIB
                  : Math.max(run.heapMaxMiB, p.heapMax / MIB);
        }
        p.probes.forEach(
            (name, value) ->
                probeValues
                    .computeIfAbsent(name, k -> new ArrayList<>())
                    .add(new double[] {p.tsMillis, value}));
        if (p.gpuSource != null) {
          run.gpuSources.add(p.gpuSource);
        }
        if (p.gpu != null
            && p.gpu.atMillis() != lastGpuAt
            && run.window.contains(p.gpu.atMillis())) {
          lastGpuAt = p.gpu.atMillis();
          gpuUtil.add(new double[] {p.gpu.atMillis(), p.gpu.utilizationPct()});
          vram.add(new double[] {p.gpu.atMillis(), p.gpu.vramUsedBytes() / GIB});
          if (!Double.isNaN(p.gpu.vramTotalBytes())) {
            run.vramTotalGiB =
                Double.isNaN(run.vramTotalGiB)
                    ? p.gpu.vramTotalBytes() / GIB
                    : Math.max(run.vramTotalGiB, p.gpu.vramTotalBytes() / GIB);
          }
        }
      }
      if (run.window.isAll() && !points.isEmpty()) {
        // Whole run: the last line's since-start totals, which rotation cannot have cut.
        MetricsPoint last = points.get(points.size() - 1);
        for (Map.Entry<String, MetricsPoint.ToolCounts> t : last.totalTools.entrySet()) {
          Run.Tool tool = run.tool(t.getKey());
          tool.calls += t.getValue().calls();
          tool.ok += t.getValue().ok();
          tool.err += t.getValue().err();
        }
      }
      addSeries(run.sessions, instance, sessions);
      addSeries(run.heapUsedMiB, instance, heap);
      addSeries(run.gpuUtilization, instance, gpuUtil);
      addSeries(run.vramUsedGiB, instance, vram);
      probeValues.forEach(
          (name, values) ->
              addSeries(
                  run.probes.computeIfAbsent(name, k -> new ArrayList<>()), instance, values));
      BreakerTimelines.add(run, instance, points);
    }
  }

  private void addSeries(List<Run.Series> into, String instance, List<double[]> values) {
    if (values.stream().allMatch(v -> Double.isNaN(v[1]))) {
      return; // e.g. utilisation from a source that gives VRAM only
    }
    long[] times = new long[values.size()];
    double[] v = new double[values.size()];
    for (int i = 0; i < values.size(); i++) {
      times[i] = (long) values.get(i)[0];
      v[i] = values.get(i)[1];
    }
    into.add(new Run.Series(instance, Downsample.keepingMax(times, v, run.bins)));
  }
}
