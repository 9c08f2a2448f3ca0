package dev.comfyagent.benchmarks.startup;

import dev.comfyagent.benchmarks.startup.StartupBenchmark.Result;
import dev.comfyagent.benchmarks.startup.StartupBenchmark.Sample;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a {@link StartupBenchmark} run reports: the table with ratios to no agent, the first-search
 * table, the {@code --check} verdicts against OpenTelemetry of the same run, and the JSON file.
 * Written with the JDK only, like the benchmark, so that it still runs from source.
 *
 * <p>Stateless.
 */
final class StartupReport {

  private StartupReport() {}

  static void printTable(PrintStream out, StartupSettings settings, List<Result> results) {
    Result none =
        results.stream().filter(r -> r.configuration.id().equals("none")).findFirst().orElse(null);
    out.println();
    out.printf(
        Locale.ROOT,
        "Launch to first tools/list answer, median of %d runs (subject: %s)%n",
        settings.runs,
        String.join(" ", settings.subject));
    String header =
        String.format(
            Locale.ROOT,
            "%-34s %10s %8s %8s %8s %9s %10s %11s %8s %5s",
            "configuration",
            "tools/list",
            "min",
            "max",
            "vs none",
            "added",
            "initialize",
            "peak RSS",
            "vs none",
            "tools");
    out.println(header);
    for (Result r : results) {
      double median = r.median(s -> s.toolsListMs);
      double rss = r.median(s -> s.peakRssKib / 1024.0);
      boolean rssKnown = r.samples.stream().allMatch(s -> s.peakRssKib >= 0);
      String ratio =
          none == null
              ? ""
              : String.format(Locale.ROOT, "%.2fx", median / none.median(s -> s.toolsListMs));
      String added =
          none == null
              ? ""
              : String.format(Locale.ROOT, "%+.0f ms", median - none.median(s -> s.toolsListMs));
      String rssRatio =
          none == null || !rssKnown
              ? ""
              : String.format(Locale.ROOT, "%.2fx", rss / none.median(s -> s.peakRssKib / 1024.0));
      out.println(
          String.format(
              Locale.ROOT,
              "%-34s %7.0f ms %5.0f ms %5.0f ms %8s %9s %7.0f ms %11s %8s %5d",
              r.configuration.label(),
              median,
              r.min(s -> s.toolsListMs),
              r.max(s -> s.toolsListMs),
              ratio,
              added,
              r.median(s -> s.initializeMs),
              rssKnown ? String.format(Locale.ROOT, "%.1f MiB", rss) : "n/a",
              rssRatio,
              r.samples.isEmpty() ? 0 : r.samples.get(0).tools));
    }
    Optional<Result> agent =
        results.stream().filter(r -> r.configuration.id().equals("agent")).findFirst();
    Optional<Result> otel =
        results.stream().filter(r -> r.configuration.id().equals("otel")).findFirst();
    if (none != null && agent.isPresent() && otel.isPresent()) {
      double base = none.median(s -> s.toolsListMs);
      double agentAdds = agent.get().median(s -> s.toolsListMs) - base;
      double otelAdds = otel.get().median(s -> s.toolsListMs) - base;
      out.printf(
          Locale.ROOT,
          "Startup penalty: this agent %+.0f ms, OpenTelemetry %+.0f ms: %.3f of OpenTelemetry's%n",
          agentAdds,
          otelAdds,
          otelAdds > 0 ? agentAdds / otelAdds : Double.NaN);
    }
    Optional<Result> baseline =
        results.stream().filter(r -> r.configuration.id().equals("agent-baseline")).findFirst();
    if (agent.isPresent() && baseline.isPresent()) {
      out.printf(
          Locale.ROOT,
          "This agent vs the baseline jar, paired by round: tools/list %+.0f ms, peak RSS %+.1f"
              + " MiB%n",
          pairedDifference(agent.get(), baseline.get(), s -> s.toolsListMs),
          pairedDifference(agent.get(), baseline.get(), s -> s.peakRssKib / 1024.0));
    }
    long noisy =
        results.stream().flatMap(r -> r.samples.stream()).filter(s -> s.stdoutNoise > 0).count();
    if (noisy > 0) {
      out.println(
          "WARNING: "
              + noisy
              + " run(s) wrote lines to stdout that are not JSON-RPC: stdout belongs to the protocol");
    }
  }

  static void printFirstSearchTable(
      PrintStream out, StartupSettings settings, List<Result> results) {
    out.println();
    out.printf(
        Locale.ROOT,
        "First search_nodes \"%s\" right after tools/list, median of %d runs (COMFYUI_PATH with"
            + " ComfyUI-Manager's map)%n",
        settings.searchQuery,
        settings.runs);
    out.println(
        String.format(
            Locale.ROOT,
            "%-34s %12s %8s %8s %12s %8s %14s",
            "configuration",
            "from request",
            "min",
            "max",
            "from launch",
            "partial",
            "complete at"));
    for (Result r : results) {
      long partial = r.samples.stream().filter(s -> s.searchPartial).count();
      out.println(
          String.format(
              Locale.ROOT,
              "%-34s %9.0f ms %5.0f ms %5.0f ms %9.0f ms %8s %11.0f ms",
              r.configuration.label(),
              r.median(s -> s.searchRequestMs),
              r.min(s -> s.searchRequestMs),
              r.max(s -> s.searchRequestMs),
              r.median(s -> s.searchMs),
              partial + " of " + r.samples.size(),
              r.median(s -> s.searchCompleteMs)));
    }
    out.println(
        "partial: first answers that said ComfyUI-Manager's part of the index was not ready yet"
            + " (installed nodes only); complete at: from launch, the first answer that included it"
            + " (asked again every "
            + StartupBenchmark.COMPLETE_POLL_MS
            + " ms)");
  }

  /**
   * The goals against OpenTelemetry, judged on this run: the agent's startup penalty at most {@code
   * maxRatio} of OpenTelemetry's, its peak RSS at most {@code maxRssAddedMib} above no agent's.
   * Prints one line per goal.
   *
   * @return 0 when both are met, 3 when one is missed or cannot be judged
   */
  static int check(PrintStream out, StartupSettings settings, List<Result> results) {
    Optional<Result> none = byId(results, "none");
    Optional<Result> agent = byId(results, "agent");
    Optional<Result> otel = byId(results, "otel");
    if (none.isEmpty() || agent.isEmpty() || otel.isEmpty()) {
      out.println(
          "Check: cannot judge the goals without none, agent and otel in the same run: MISSED");
      return 3;
    }
    double base = none.get().median(s -> s.toolsListMs);
    double agentAdds = agent.get().median(s -> s.toolsListMs) - base;
    double otelAdds = otel.get().median(s -> s.toolsListMs) - base;
    double ratio = otelAdds > 0 ? Math.max(0, agentAdds) / otelAdds : Double.NaN;
    boolean startupMet = ratio <= settings.maxRatio;
    out.printf(
        Locale.ROOT,
        "Check: startup penalty %.3f of OpenTelemetry's (%+.0f ms vs %+.0f ms), goal at most"
            + " %.3f: %s%n",
        ratio,
        agentAdds,
        otelAdds,
        settings.maxRatio,
        startupMet ? "met" : "MISSED");
    boolean rssKnown =
        Stream.of(none.get(), agent.get())
            .flatMap(r -> r.samples.stream())
            .allMatch(s -> s.peakRssKib >= 0);
    boolean rssMet = false;
    if (rssKnown) {
      double rssAdded =
          agent.get().median(s -> s.peakRssKib / 1024.0)
              - none.get().median(s -> s.peakRssKib / 1024.0);
      rssMet = rssAdded <= settings.maxRssAddedMib;
      out.printf(
          Locale.ROOT,
          "Check: peak RSS at the first tools/list %+.1f MiB, goal at most %+.1f MiB: %s%n",
          rssAdded,
          settings.maxRssAddedMib,
          rssMet ? "met" : "MISSED");
    } else {
      out.println("Check: peak RSS is not readable on this system: MISSED");
    }
    return startupMet && rssMet ? 0 : 3;
  }

  private static Optional<Result> byId(List<Result> results, String id) {
    return results.stream().filter(r -> r.configuration.id().equals(id)).findFirst();
  }

  /**
   * The median over rounds of {@code a}'s figure minus {@code b}'s in the same round: runs are
   * interleaved round by round, so a pair shares the machine's state.
   */
  static double pairedDifference(
      Result a, Result b, java.util.function.ToDoubleFunction<Sample> f) {
    int n = Math.min(a.samples.size(), b.samples.size());
    if (n == 0) {
      return Double.NaN;
    }
    double[] differences = new double[n];
    for (int i = 0; i < n; i++) {
      differences[i] = f.applyAsDouble(a.samples.get(i)) - f.applyAsDouble(b.samples.get(i));
    }
    return StartupBenchmark.median(differences);
  }

  static void writeJson(StartupSettings settings, List<Result> results) throws IOException {
    StringBuilder json = new StringBuilder();
    json.append("{\n  \"schema\": 1,\n  \"runs\": ").append(settings.runs);
    json.append(",\n  \"warmup\": ").append(settings.warmup);
    json.append(",\n  \"java\": ").append(quote(settings.java));
    json.append(",\n  \"subject\": ").append(array(settings.subject));
    if (settings.firstSearch) {
      json.append(",\n  \"search_query\": ").append(quote(settings.searchQuery));
      json.append(",\n  \"manager_map\": ")
          .append(
              quote(settings.managerMap == null ? "generated" : settings.managerMap.toString()));
    }
    json.append(",\n  \"os\": ")
        .append(quote(System.getProperty("os.name") + " " + System.getProperty("os.arch")));
    json.append(",\n  \"logical_cpus\": ").append(Runtime.getRuntime().availableProcessors());
    json.append(",\n  \"results\": [");
    for (int i = 0; i < results.size(); i++) {
      Result r = results.get(i);
      json.append(i == 0 ? "\n" : ",\n");
      json.append("    {\"configuration\": ").append(quote(r.configuration.id()));
      json.append(", \"label\": ").append(quote(r.configuration.label()));
      json.append(", \"jvm_args\": ").append(array(r.configuration.jvmArgs(Path.of("<run-dir>"))));
      json.append(",\n     \"tools_list_ms\": ").append(stats(r, s -> s.toolsListMs));
      json.append(",\n     \"initialize_ms\": ").append(stats(r, s -> s.initializeMs));
      boolean rssKnown = r.samples.stream().allMatch(s -> s.peakRssKib >= 0);
      json.append(",\n     \"peak_rss_mib\": ")
          .append(rssKnown ? stats(r, s -> s.peakRssKib / 1024.0) : "null");
      if (settings.firstSearch) {
        json.append(",\n     \"first_search_request_ms\": ")
            .append(stats(r, s -> s.searchRequestMs));
        json.append(",\n     \"first_search_launch_ms\": ").append(stats(r, s -> s.searchMs));
        json.append(",\n     \"first_search_partial\": ")
            .append(r.samples.stream().filter(s -> s.searchPartial).count());
        json.append(",\n     \"complete_search_launch_ms\": ")
            .append(stats(r, s -> s.searchCompleteMs));
      }
      json.append(",\n     \"tools\": ").append(r.samples.isEmpty() ? 0 : r.samples.get(0).tools);
      json.append(", \"stdout_noise_lines\": ")
          .append(r.samples.stream().mapToInt(s -> s.stdoutNoise).sum());
      json.append("}");
    }
    json.append("\n  ]\n}\n");
    Path parent = settings.json.toAbsolutePath().getParent();
    if (parent != null) { // null only for a root, which parse rejects
      Files.createDirectories(parent);
    }
    Files.writeString(settings.json, json.toString(), StandardCharsets.UTF_8);
  }

  private static String stats(Result r, java.util.function.ToDoubleFunction<Sample> f) {
    StringBuilder samples = new StringBuilder("[");
    for (int i = 0; i < r.samples.size(); i++) {
      samples.append(i == 0 ? "" : ", ").append(number(f.applyAsDouble(r.samples.get(i))));
    }
    samples.append("]");
    return "{\"median\": "
        + number(r.median(f))
        + ", \"min\": "
        + number(r.min(f))
        + ", \"max\": "
        + number(r.max(f))
        + ", \"samples\": "
        + samples
        + "}";
  }

  private static String number(double value) {
    return Double.isFinite(value) ? String.format(Locale.ROOT, "%.1f", value) : "null";
  }

  private static String array(List<String> values) {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < values.size(); i++) {
      out.append(i == 0 ? "" : ", ").append(quote(values.get(i)));
    }
    return out.append("]").toString();
  }

  static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
