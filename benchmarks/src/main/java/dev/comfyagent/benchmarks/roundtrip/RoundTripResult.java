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
    List<Double> differences = new ArrayList<>();
    for (Sample s : samples) {
      for (Sample b : base.samples) {
        if (b.round == s.round) {
          differences.add(f.applyAsDouble(s) - f.applyAsDouble(b));
        }
      }
    }
    return differences.isEmpty()
        ? Double.NaN
        : StartupBenchmark.median(differences.stream().mapToDouble(Double::doubleValue).toArray());
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
        "Whole %s calls through stdio (MCP Java SDK client), %d measured after %d warm-up calls"
            + " per run, median of %d rounds in ABBA order%n",
        settings.tool,
        settings.calls,
        settings.warmupCalls,
        settings.rounds);
    out.println(
        String.format(
            Locale.ROOT,
            "%-38s %9s %9s %9s %9s %12s %12s %14s",
            "configuration",
            "p50 us",
            "p90 us",
            "p99 us",
            "mean us",
            "added p50",
            "added mean",
            "server CPU/call"));
    for (RoundTripResult r : results) {
      String addedP50 = "";
      String addedMean = "";
      String addedCpu = "";
      if (none != null && r != none) {
        double p50 = r.pairedDifference(none, s -> s.p50Us);
        addedP50 =
            String.format(
                Locale.ROOT, "%+.1f (%+.1f%%)", p50, 100 * p50 / none.median(s -> s.p50Us));
        double mean = r.pairedDifference(none, s -> s.meanUs);
        addedMean = String.format(Locale.ROOT, "%+.1f", mean);
        addedCpu =
            String.format(
                Locale.ROOT, " (%+.1f)", r.pairedDifference(none, s -> s.serverCpuUsPerCall));
      }
      out.println(
          String.format(
              Locale.ROOT,
              "%-38s %9.1f %9.1f %9.1f %9.1f %12s %12s %8.1f us%s",
              r.configuration.label,
              r.median(s -> s.p50Us),
              r.median(s -> s.p90Us),
              r.median(s -> s.p99Us),
              r.median(s -> s.meanUs),
              addedP50,
              addedMean,
              r.median(s -> s.serverCpuUsPerCall),
              addedCpu));
    }
    double[] loads =
        results.stream().flatMap(r -> r.samples.stream()).mapToDouble(s -> s.loadAverage).toArray();
    out.printf(
        Locale.ROOT,
        "Load average (1 min) at the runs' start: median %.2f, max %.2f%n",
        StartupBenchmark.median(loads),
        Arrays.stream(loads).max().orElse(Double.NaN));
  }

  static void writeJson(RoundTripSettings settings, List<RoundTripResult> results)
      throws IOException {
    Map<String, Object> root = new java.util.LinkedHashMap<>();
    root.put("schema", 1);
    root.put("tool", settings.tool);
    root.put("arguments", settings.arguments);
    root.put("rounds", settings.rounds);
    root.put("warmup_calls", settings.warmupCalls);
    root.put("calls", settings.calls);
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
      m.put("tool_answered_with_error", r.samples.stream().anyMatch(s -> s.toolAnswersWithError));
      if (r.configuration.thisAgent()) {
        m.put("agent_calls_counted", r.samples.stream().map(s -> s.agentCalls).toList());
      }
      if (none != null && r != none) {
        m.put("added_p50_us", round1(r.pairedDifference(none, s -> s.p50Us)));
        m.put("added_p99_us", round1(r.pairedDifference(none, s -> s.p99Us)));
        m.put("added_mean_us", round1(r.pairedDifference(none, s -> s.meanUs)));
        m.put(
            "added_server_cpu_us_per_call",
            round1(r.pairedDifference(none, s -> s.serverCpuUsPerCall)));
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

  static Double round1(double value) {
    return Double.isFinite(value) ? Math.round(value * 10) / 10.0 : null;
  }
}
