package dev.comfyagent.benchmarks.roundtrip;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comfyagent.benchmarks.startup.StartupBenchmark;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Every run of one {@link RoundTripConfiguration} in a {@link RoundTripBenchmark}: its samples, the
 * medians over rounds and the paired differences to no agent, and the table and JSON file that
 * report them.
 *
 * <p>Not thread-safe: filled and read by the benchmark's thread.
 */
final class RoundTripResult {

  /** The figures of one run. */
  static final class Sample {
    int round;
    double p50Us;
    double p90Us;
    double p99Us;
    double meanUs;
    double callsPerSecond;
    double serverCpuUsPerCall;
    double clientCpuUsPerCall;
    double peakRssMib;
    double loadAverage;
    boolean toolAnswersWithError;
    long agentCalls;
    int warmupCalls;
    boolean jitQuietAtStart;
    double jitCpuShare = Double.NaN;
  }

  final RoundTripConfiguration configuration;
  final List<Sample> samples = new ArrayList<>();

  RoundTripResult(RoundTripConfiguration configuration) {
    this.configuration = configuration;
  }

  double median(ToDoubleFunction<Sample> f) {
    return samples.isEmpty()
        ? Double.NaN
        : StartupBenchmark.median(samples.stream().mapToDouble(f).toArray());
  }

  /** The median over rounds of this configuration's figure minus {@code base}'s, same round. */
  double pairedDifference(RoundTripResult base, ToDoubleFunction<Sample> f) {
    double[] differences = differences(base, f);
    return differences.length == 0 ? Double.NaN : StartupBenchmark.median(differences);
  }

  /**
   * The distribution-free confidence interval of {@link #pairedDifference}: the order statistics of
   * the per-round differences that hold the median with at least 95% probability whatever their
   * distribution (binomial, p = 1/2). Null below 6 rounds, where no such pair exists.
   *
   * @return {low, high, confidence}
   */
  double[] pairedInterval(RoundTripResult base, ToDoubleFunction<Sample> f) {
    return medianInterval(differences(base, f));
  }

  /** This configuration's figure minus {@code base}'s, one per round both ran. */
  private double[] differences(RoundTripResult base, ToDoubleFunction<Sample> f) {
    List<Double> differences = new ArrayList<>();
    for (Sample s : samples) {
      for (Sample b : base.samples) {
        if (b.round == s.round) {
          differences.add(f.applyAsDouble(s) - f.applyAsDouble(b));
        }
      }
    }
    return differences.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** See {@link #pairedInterval}; {@code values} in any order. */
  static double[] medianInterval(double[] values) {
    int n = values.length;
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    // The largest k with P(X < k) <= 2.5% for X ~ Binomial(n, 1/2): then the k-th smallest and
    // the k-th largest value bracket the median with probability 1 - 2 P(X < k).
    double below = 0;
    double term = Math.pow(0.5, n);
    int k = 0;
    while (k < n && below + term <= 0.025) {
      below += term;
      term = term * (n - k) / (k + 1);
      k++;
    }
    if (k == 0) {
      return null;
    }
    return new double[] {sorted[k - 1], sorted[n - k], 1 - 2 * below};
  }

  Map<String, Object> summary(ToDoubleFunction<Sample> f) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("median", round1(median(f)));
    List<Double> all = new ArrayList<>();
    for (Sample s : samples) {
      all.add(round1(f.applyAsDouble(s)));
    }
    m.put("samples", all);
    return m;
  }

  static void printTable(
      PrintStream out, RoundTripSettings settings, List<RoundTripResult> results) {
    RoundTripResult none =
        results.stream()
            .filter(r -> r.configuration == RoundTripConfiguration.NONE)
            .findFirst()
            .orElse(null);
    out.println();
    out.printf(
        Locale.ROOT,
        "Whole %s calls through stdio (MCP Java SDK client), %d measured per server after at"
            + " least %d warm-up calls (until the JIT was quiet, at most %d), in %d turns; median"
            + " of %d rounds in ABBA order%n",
        settings.tool,
        settings.calls,
        settings.warmupCalls,
        settings.warmupMaxCalls,
        Math.min(settings.blocks, settings.calls),
        settings.rounds);
    out.println(
        String.format(
            Locale.ROOT,
            "%-38s %9s %9s %9s %9s %30s %12s %30s %6s",
            "configuration",
            "p50 us",
            "p90 us",
            "p99 us",
            "mean us",
            "added p50",
            "added mean",
            "server CPU/call",
            "JIT"));
    for (RoundTripResult r : results) {
      String addedP50 = "";
      String addedMean = "";
      String addedCpu = "";
      if (none != null && r != none) {
        double p50 = r.pairedDifference(none, s -> s.p50Us);
        double[] interval = r.pairedInterval(none, s -> s.p50Us);
        addedP50 =
            String.format(
                    Locale.ROOT, "%+.1f (%+.1f%%)", p50, 100 * p50 / none.median(s -> s.p50Us))
                + (interval == null
                    ? ""
                    : String.format(Locale.ROOT, " [%+.1f, %+.1f]", interval[0], interval[1]));
        double mean = r.pairedDifference(none, s -> s.meanUs);
        addedMean = String.format(Locale.ROOT, "%+.1f", mean);
        double[] cpuInterval = r.pairedInterval(none, s -> s.serverCpuUsPerCall);
        addedCpu =
            String.format(
                    Locale.ROOT, " (%+.1f", r.pairedDifference(none, s -> s.serverCpuUsPerCall))
                + (cpuInterval == null
                    ? ")"
                    : String.format(
                        Locale.ROOT, " [%+.1f, %+.1f])", cpuInterval[0], cpuInterval[1]));
      }
      out.println(
          String.format(
              Locale.ROOT,
              "%-38s %9.1f %9.1f %9.1f %9.1f %30s %12s %8.1f us%-19s %5.1f%%",
              r.configuration.label,
              r.median(s -> s.p50Us),
              r.median(s -> s.p90Us),
              r.median(s -> s.p99Us),
              r.median(s -> s.meanUs),
              addedP50,
              addedMean,
              r.median(s -> s.serverCpuUsPerCall),
              addedCpu,
              100 * r.median(s -> s.jitCpuShare)));
    }
    double[] loads =
        results.stream().flatMap(r -> r.samples.stream()).mapToDouble(s -> s.loadAverage).toArray();
    out.printf(
        Locale.ROOT,
        "Load average (1 min) at the runs' start: median %.2f, max %.2f%n",
        StartupBenchmark.median(loads),
        Arrays.stream(loads).max().orElse(Double.NaN));
    out.println(
        "[low, high]: the interval that holds the median of what an agent adds with the"
            + " confidence in the JSON (about 95%; distribution-free, from 6 rounds); JIT: the"
            + " compiler threads'"
            + " share of the server's CPU while measured");
  }

  static void writeJson(RoundTripSettings settings, List<RoundTripResult> results)
      throws IOException {
    Map<String, Object> root = new java.util.LinkedHashMap<>();
    root.put("schema", 2);
    root.put("tool", settings.tool);
    root.put("arguments", settings.arguments);
    root.put("rounds", settings.rounds);
    root.put("warmup_calls", settings.warmupCalls);
    root.put("warmup_max_calls", settings.warmupMaxCalls);
    root.put(
        "warmup",
        "at least warmup_calls, then blocks of "
            + ServerRun.WARMUP_BLOCK_CALLS
            + " calls until the JIT compiler threads took <= "
            + Math.round(100 * ServerRun.JIT_QUIET_SHARE)
            + "% of the server's CPU over "
            + ServerRun.QUIET_BLOCKS
            + " blocks in a row, at most warmup_max_calls");
    root.put("calls", settings.calls);
    root.put("blocks", Math.min(settings.blocks, settings.calls));
    root.put("java", settings.java);
    root.put("subject", settings.subject);
    root.put("logical_cpus", Runtime.getRuntime().availableProcessors());
    RoundTripResult none =
        results.stream()
            .filter(r -> r.configuration == RoundTripConfiguration.NONE)
            .findFirst()
            .orElse(null);
    List<Object> list = new ArrayList<>();
    for (RoundTripResult r : results) {
      Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("configuration", r.configuration.id);
      m.put("label", r.configuration.label);
      m.put("jvm_args", r.configuration.jvmArgs(Path.of("<run-dir>"), settings));
      m.put("p50_us", r.summary(s -> s.p50Us));
      m.put("p90_us", r.summary(s -> s.p90Us));
      m.put("p99_us", r.summary(s -> s.p99Us));
      m.put("mean_us", r.summary(s -> s.meanUs));
      m.put("server_cpu_us_per_call", r.summary(s -> s.serverCpuUsPerCall));
      m.put("client_cpu_us_per_call", r.summary(s -> s.clientCpuUsPerCall));
      m.put("calls_per_second", r.summary(s -> s.callsPerSecond));
      m.put("peak_rss_mib", r.summary(s -> s.peakRssMib));
      m.put("load_average", r.summary(s -> s.loadAverage));
      m.put("warmup_calls_taken", r.samples.stream().map(s -> s.warmupCalls).toList());
      m.put("jit_quiet_at_start", r.samples.stream().map(s -> s.jitQuietAtStart).toList());
      m.put("jit_cpu_percent_measured", r.summary(s -> 100 * s.jitCpuShare));
      m.put("tool_answered_with_error", r.samples.stream().anyMatch(s -> s.toolAnswersWithError));
      if (r.configuration.thisAgent()) {
        m.put("agent_calls_counted", r.samples.stream().map(s -> s.agentCalls).toList());
      }
      if (none != null && r != none) {
        m.put("added_p50_us", round1(r.pairedDifference(none, s -> s.p50Us)));
        double[] interval = r.pairedInterval(none, s -> s.p50Us);
        if (interval != null) {
          m.put("added_p50_us_interval", intervalJson(interval));
          m.put(
              "added_p50_percent_interval",
              List.of(
                  round1(100 * interval[0] / none.median(s -> s.p50Us)),
                  round1(100 * interval[1] / none.median(s -> s.p50Us))));
        }
        m.put("added_p99_us", round1(r.pairedDifference(none, s -> s.p99Us)));
        m.put("added_mean_us", round1(r.pairedDifference(none, s -> s.meanUs)));
        m.put(
            "added_server_cpu_us_per_call",
            round1(r.pairedDifference(none, s -> s.serverCpuUsPerCall)));
        double[] cpuInterval = r.pairedInterval(none, s -> s.serverCpuUsPerCall);
        if (cpuInterval != null) {
          m.put("added_server_cpu_us_per_call_interval", intervalJson(cpuInterval));
        }
      }
      list.add(m);
    }
    root.put("results", list);
    Path parent = settings.json.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(settings.json.toFile(), root);
  }

  private static Map<String, Object> intervalJson(double[] interval) {
    Map<String, Object> range = new java.util.LinkedHashMap<>();
    range.put("low", round1(interval[0]));
    range.put("high", round1(interval[1]));
    range.put("confidence", Math.round(interval[2] * 1000) / 1000.0);
    return range;
  }

  static Double round1(double value) {
    return Double.isFinite(value) ? Math.round(value * 10) / 10.0 : null;
  }
}
