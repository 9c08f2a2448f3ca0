package dev.comfyagent.instrument.report;

import dev.comfyagent.instrument.fleet.TimeWindow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * Everything the page shows, read from the agent's files by {@link RunReader}: per tool the
 * whole-run figures and per-bin series, the breakers, limiters, sessions, memory and GPU over time,
 * the slowest tool chains, the processes, and what was lost or unreadable. Plain data; the page
 * only lays it out.
 *
 * <p>Not thread-safe.
 */
final class Run {

  /** Where a figure came from, as the page says it. */
  enum Source {
    HLOG("latency.hlog (exact, all processes)"),
    TRACES("traces.jsonl"),
    METRICS("metrics.jsonl"),
    NONE("no data");

    final String label;

    Source(String label) {
      this.label = label;
    }
  }

  /** One process. */
  static final class Process {
    final String instanceId;
    String serviceName;
    String version;
    long pid;
    long firstMillis = Long.MAX_VALUE;
    long lastMillis = Long.MIN_VALUE;
    long metricsLines;
    long traceLines;
    long latencyIntervals;
    boolean finalLine;
    final Map<String, Long> agent = new LinkedHashMap<>();
    final Map<String, Long> gpuErrors = new LinkedHashMap<>();
    final List<long[]> gaps = new ArrayList<>();

    Process(String instanceId) {
      this.instanceId = instanceId;
    }

    void seen(long millis) {
      firstMillis = Math.min(firstMillis, millis);
      lastMillis = Math.max(lastMillis, millis);
    }

    long agent(String name) {
      return agent.getOrDefault(name, 0L);
    }
  }

  /** A tool's whole-run figures. */
  static final class Tool {
    final String name;
    long calls;
    long ok;
    long err;
    Histogram latencies;
    double p50 = Double.NaN;
    double p95 = Double.NaN;
    double p99 = Double.NaN;
    double max = Double.NaN;
    long[] callsPerBin;
    long[] errorsPerBin;
    BinnedLatencies.Percentiles perBin;

    Tool(String name) {
      this.name = name;
    }
  }

  /** A span of one state of a breaker. */
  record Segment(long fromMillis, long toMillis, String state) {}

  /** A breaker of one process over time. */
  record BreakerTimeline(
      String breaker, String instance, List<Segment> segments, long transitions) {}

  /** One call of a chain. */
  record ChainCall(
      long startMillis,
      long micros,
      String tool,
      boolean success,
      String errorType,
      int seq,
      int parent,
      String inputSummary,
      String instance) {}

  /**
   * One slow chain: its first {@code calls} (at most {@link RunReader#CHAIN_CALLS}) of {@code
   * callCount}.
   */
  record Chain(String correlationId, long totalMicros, List<ChainCall> calls, int callCount) {}

  /** A time series of one process. */
  record Series(String label, Downsample.Points points) {}

  /** A file that had unreadable lines. */
  record Unreadable(String kind, long lines, String firstProblem) {}

  TimeWindow window = TimeWindow.all();
  TimeBins bins;
  long firstMillis;
  long lastMillis;
  final Map<String, Process> processes = new TreeMap<>();
  final Map<String, Tool> tools = new TreeMap<>();
  Source countsSource = Source.NONE;
  Source latencySource = Source.NONE;
  final List<BreakerTimeline> breakers = new ArrayList<>();
  final Map<String, long[]> limiterRejectedPerBin = new TreeMap<>();
  final Map<String, long[]> limiterTotals = new TreeMap<>();
  final List<Series> sessions = new ArrayList<>();
  final List<Series> heapUsedMiB = new ArrayList<>();
  double heapMaxMiB = Double.NaN;
  final Map<String, List<Series>> probes = new TreeMap<>();
  final List<Series> gpuUtilization = new ArrayList<>();
  final List<Series> vramUsedGiB = new ArrayList<>();
  double vramTotalGiB = Double.NaN;
  final java.util.Set<String> gpuSources = new java.util.TreeSet<>();
  final List<long[]> renderSpans = new ArrayList<>();
  long renders;
  final List<Chain> slowestChains = new ArrayList<>();
  long chainsSeen;
  long traceLinesInWindow;
  final List<Unreadable> unreadable = new ArrayList<>();
  final List<String> files = new ArrayList<>();

  /** Sum of an agent health counter over the processes (each its latest value). */
  long agentTotal(String counter) {
    long sum = 0;
    for (Process p : processes.values()) {
      sum += p.agent(counter);
    }
    return sum;
  }

  /** Calls counted over all tools. */
  long totalCalls() {
    long sum = 0;
    for (Tool t : tools.values()) {
      sum += t.calls;
    }
    return sum;
  }

  /** The tool named {@code name}, added with empty per-bin series the first time. */
  Tool tool(String name) {
    return tools.computeIfAbsent(
        name,
        n -> {
          Tool t = new Tool(n);
          t.callsPerBin = new long[bins.count()];
          t.errorsPerBin = new long[bins.count()];
          return t;
        });
  }

  /** The process of {@code instance}, added the first time. */
  Process process(String instance) {
    return processes.computeIfAbsent(instance, Process::new);
  }
}
