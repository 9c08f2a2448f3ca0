package dev.comfyagent.benchmarks.startup;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Times an MCP stdio server from launch to its first {@code tools/list} answer with no agent, with
 * this project's agent and with the OpenTelemetry Java agent, records each run's peak resident
 * memory, and prints the medians as a table with ratios (and writes them as JSON).
 *
 * <p>It acts as an MCP client would: it writes {@code initialize}, waits for the answer, writes
 * {@code notifications/initialized} and {@code tools/list}, and stops the clock when the tools
 * arrive on stdout. Peak memory is the JVM's {@code VmHWM} from {@code /proc/<pid>/status} read
 * just then (Linux; "n/a" elsewhere). Runs of the configurations are interleaved so a machine
 * getting busier affects them alike; one warm-up round (page cache, JIT of the launcher) is not
 * counted. Lines on stdout that are not JSON-RPC are counted: an agent must never write there.
 *
 * <p>A script, not a test: it depends on the JDK only, so it also runs from source without a build
 * of this module. From the repository root:
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.comfyagent.benchmarks.startup.StartupBenchmark
 * java benchmarks/src/main/java/dev/comfyagent/benchmarks/startup/StartupBenchmark.java --runs 10
 * java ... StartupBenchmark -- -cp benchmarks/target/benchmarks.jar \
 *     dev.comfyagent.benchmarks.startup.HelloMcpServer          # another subject
 * </pre>
 *
 * <p>Options: {@code --runs N} (5), {@code --warmup N} (1), {@code --timeout-s S} (120 per run),
 * {@code --java PATH} (this JVM's), {@code --agent-jar PATH} and {@code --agent-options OPTS}
 * ({@code instrument-javaagent/target/instrument-javaagent-*.jar}), {@code --otel-jar PATH} ({@code
 * benchmarks/target/agents/opentelemetry-javaagent.jar}), {@code --only none,agent,otel}, {@code
 * --json FILE} ({@code benchmarks/target/startup-results.json}); after {@code --}, the subject's
 * JVM arguments (default {@code -jar agent-runtime/target/agent-runtime-<v>-all.jar serve}). A
 * configuration whose agent jar is missing is skipped with a note, unless its path was given.
 * {@code --baseline-agent-jar PATH} runs another build of the agent in the same rounds (A/B).
 * {@code --check} judges the goals against OpenTelemetry of the same run (startup penalty at most
 * {@code --max-ratio} of OpenTelemetry's, 0.10; peak RSS added at most {@code --max-rss-added-mib},
 * 25) and exits with 3 when one is missed.
 *
 * <p>The subjects get {@code LOG_DIR} and {@code SESSIONS_DIR} in a temporary directory, and no
 * {@code JAVA_TOOL_OPTIONS} or {@code JDK_JAVA_OPTIONS}, so only the agents named here attach.
 *
 * <p>{@code --first-search} adds what a user of a ComfyUI with ComfyUI-Manager feels first: right
 * after the {@code tools/list} answer it calls {@code search_nodes} ({@code --search-query},
 * "upscale image") and stops a second clock when the answer arrives, reporting it from the launch
 * and from the request. The subject then runs against a ComfyUI (the simulator from {@code
 * comfyui-simulator/target/comfyui-simulator-*-all.jar}, started once for all runs, or {@code
 * --comfyui-url}) with {@code COMFYUI_PATH} set to a directory holding ComfyUI-Manager's {@code
 * extension-node-map.json} ({@code --manager-map FILE}; by default the benchmarks' generated map of
 * 40,000 node types, which needs the benchmarks jar on the class path). An answer that says the
 * Manager's part of the index was not ready yet ({@code "manager_map_ready": false}) is counted as
 * partial.
 */
public final class StartupBenchmark {

  private static final Pattern ID_1 = Pattern.compile("\"id\"\\s*:\\s*1\\s*[,}]");
  private static final Pattern ID_2 = Pattern.compile("\"id\"\\s*:\\s*2\\s*[,}]");
  private static final long COMPLETE_POLL_MS = 20;
  private static final Pattern TOOL = Pattern.compile("\"inputSchema\"\\s*:");
  private static final Pattern MATCH = Pattern.compile("\"class_type\"\\s*:");
  private static final Pattern MANAGER_PART_PENDING =
      Pattern.compile("\"manager_map_ready\"\\s*:\\s*false");
  private static final Pattern LISTENING =
      Pattern.compile("listening on http://([^:/\\s]+):(\\d+)");

  private static final String INITIALIZE =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
          + "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
          + "\"clientInfo\":{\"name\":\"startup-benchmark\",\"version\":\"1.0.0\"}}}";
  private static final String INITIALIZED =
      "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
  private static final String TOOLS_LIST =
      "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\",\"params\":{}}";

  static final String USAGE =
      """
      usage: StartupBenchmark [options] [-- <subject JVM arguments>]
        Times an MCP stdio server from launch to its first tools/list answer with no agent,
        this project's agent and the OpenTelemetry Java agent; medians, ratios, peak RSS.
        --runs N            counted runs per configuration (5)
        --warmup N          uncounted rounds first (1)
        --only LIST         none,agent,otel (all three)
        --agent-jar PATH    instrument-javaagent/target/instrument-javaagent-*.jar
        --agent-options S   options after the agent jar (output.dir is added)
        --otel-jar PATH     benchmarks/target/agents/opentelemetry-javaagent.jar
        --java PATH         the java to launch (this JVM's)
        --json FILE         benchmarks/target/startup-results.json
        --timeout-s S       per run (120)
        --first-search      also time the first search_nodes call after tools/list, against a
                            ComfyUI and with COMFYUI_PATH holding ComfyUI-Manager's map
        --search-query Q    what that search asks for ("upscale image")
        --manager-map FILE  the extension-node-map.json to use (the generated 40,000 node types)
        --comfyui-url URL   a running ComfyUI (default: start the simulator's jar)
        --simulator-jar P   comfyui-simulator/target/comfyui-simulator-*-all.jar
        --baseline-agent-jar PATH
                            also run this other build of the agent (agent-baseline), in the
                            same rounds, and print what this one changes against it
        --check             exit 3 when this agent misses the goals against OpenTelemetry of
                            the same run: startup penalty at most --max-ratio of OpenTelemetry's
                            (0.10), peak RSS added at most --max-rss-added-mib (25)
        -- ARGS             the subject (-jar agent-runtime/target/agent-runtime-<v>-all.jar serve)
      """;

  private StartupBenchmark() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs the benchmark.
   *
   * @return 0 when every configuration answered (and, with {@code --check}, the goals are met), 1
   *     when a run failed, 2 for bad options, 3 when {@code --check} found a goal missed
   */
  static int run(String[] args, PrintStream out, PrintStream err) {
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      out.print(USAGE);
      return 0;
    }
    Settings settings;
    try {
      settings = Settings.parse(args, err);
    } catch (IllegalArgumentException e) {
      err.println("StartupBenchmark: " + e.getMessage());
      return 2;
    }
    FirstSearch firstSearch = null;
    try {
      Path workDir = Files.createTempDirectory("comfyagent-startup-");
      if (settings.firstSearch) {
        firstSearch = FirstSearch.prepare(settings, workDir, err);
      }
      List<Result> results = new ArrayList<>();
      for (Configuration c : settings.configurations) {
        results.add(new Result(c));
      }
      int rounds = settings.warmup + settings.runs;
      for (int round = 0; round < rounds; round++) {
        boolean counted = round >= settings.warmup;
        for (int k = 0; k < results.size(); k++) {
          // Rotate the order each round, so no configuration always runs first.
          Result r = results.get((k + round) % results.size());
          Sample s =
              runOnce(
                  settings,
                  r.configuration,
                  workDir.resolve("run-" + round + "-" + r.configuration.id),
                  firstSearch);
          err.printf(
              Locale.ROOT,
              "%s round %d%s: tools/list after %.0f ms, peak RSS %s%s%n",
              r.configuration.id,
              round + 1,
              counted ? "" : " (warm-up)",
              s.toolsListMs,
              s.peakRssKib < 0
                  ? "n/a"
                  : String.format(Locale.ROOT, "%.1f MiB", s.peakRssKib / 1024.0),
              firstSearch == null
                  ? ""
                  : String.format(
                      Locale.ROOT,
                      "; search_nodes answered %.0f ms after the request (%.0f ms after launch),"
                          + " %d matches%s",
                      s.searchRequestMs,
                      s.searchMs,
                      s.searchMatches,
                      s.searchPartial ? ", Manager's part not ready yet" : ""));
          if (counted) {
            r.samples.add(s);
          }
        }
      }
      printTable(out, settings, results);
      if (firstSearch != null) {
        printFirstSearchTable(out, settings, results);
      }
      writeJson(settings, results);
      out.println("JSON: " + settings.json.toAbsolutePath());
      return settings.check ? check(out, settings, results) : 0;
    } catch (RunFailedException e) {
      err.println("StartupBenchmark: " + e.getMessage());
      return 1;
    } catch (IOException e) {
      err.println("StartupBenchmark: " + e);
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("StartupBenchmark: interrupted");
      return 1;
    } finally {
      if (firstSearch != null) {
        firstSearch.close();
      }
    }
  }

  /** One launch of the subject under one configuration, up to its tools/list answer. */
  static Sample runOnce(
      Settings settings, Configuration configuration, Path runDir, FirstSearch firstSearch)
      throws IOException, InterruptedException {
    Files.createDirectories(runDir);
    List<String> command = new ArrayList<>();
    command.add(settings.java);
    command.addAll(configuration.jvmArgs(runDir));
    command.addAll(settings.subject);
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    env.remove("JAVA_TOOL_OPTIONS");
    env.remove("JDK_JAVA_OPTIONS");
    env.put("LOG_DIR", runDir.resolve("logs").toString());
    env.put("SESSIONS_DIR", runDir.resolve("sessions").toString());
    env.remove("COMFYUI_PATH");
    if (firstSearch != null) {
      env.put("COMFYUI_HOST", firstSearch.host);
      env.put("COMFYUI_PORT", String.valueOf(firstSearch.port));
      env.put("COMFYUI_PATH", firstSearch.comfyUiPath.toString());
    }
    Path stderr = runDir.resolve("stderr.txt");
    builder.redirectError(stderr.toFile());

    long start = System.nanoTime();
    Process process = builder.start();
    Thread watchdog = watchdog(process, settings.timeoutSeconds);
    OutputStream stdin = process.getOutputStream();
    try (BufferedReader stdout =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      Sample sample = new Sample();
      send(stdin, INITIALIZE);
      String initialize = awaitAnswer(stdout, ID_1, sample, configuration, stderr);
      sample.initializeMs = (System.nanoTime() - start) / 1e6;
      requireResult(initialize, "initialize", configuration);
      send(stdin, INITIALIZED);
      send(stdin, TOOLS_LIST);
      String tools = awaitAnswer(stdout, ID_2, sample, configuration, stderr);
      sample.toolsListMs = (System.nanoTime() - start) / 1e6;
      requireResult(tools, "tools/list", configuration);
      sample.tools = (int) TOOL.matcher(tools).results().count();
      sample.peakRssKib = peakRssKib(process.pid());
      if (firstSearch != null) {
        long asked = System.nanoTime();
        String answer = search(stdin, stdout, settings, 3, sample, configuration, stderr);
        long answered = System.nanoTime();
        sample.searchMs = (answered - start) / 1e6;
        sample.searchRequestMs = (answered - asked) / 1e6;
        sample.searchMatches = (int) MATCH.matcher(answer).results().count();
        sample.searchPartial = MANAGER_PART_PENDING.matcher(answer).find();
        // Then ask again until the answer includes ComfyUI-Manager's part: when it is complete.
        int id = 4;
        while (MANAGER_PART_PENDING.matcher(answer).find()) {
          Thread.sleep(COMPLETE_POLL_MS);
          answer = search(stdin, stdout, settings, id++, sample, configuration, stderr);
        }
        sample.searchCompleteMs = (System.nanoTime() - start) / 1e6;
      }
      // End of input is how an MCP client says goodbye to a stdio server.
      stdin.close();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor();
        }
      }
      return sample;
    } finally {
      watchdog.interrupt();
      if (process.isAlive()) {
        process.destroyForcibly().waitFor();
      }
    }
  }

  private static Thread watchdog(Process process, long timeoutSeconds) {
    Thread t =
        new Thread(
            () -> {
              try {
                if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                  process.destroyForcibly();
                }
              } catch (InterruptedException e) {
                // The run finished first.
              }
            },
            "startup-benchmark-watchdog");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Asks {@code search_nodes} with request id {@code id} and returns its successful answer. */
  private static String search(
      OutputStream stdin,
      BufferedReader stdout,
      Settings settings,
      int id,
      Sample sample,
      Configuration configuration,
      Path stderr)
      throws IOException {
    send(stdin, searchRequest(id, settings.searchQuery));
    Pattern answerId = Pattern.compile("\"id\"\\s*:\\s*" + id + "\\s*[,}]");
    String answer = awaitAnswer(stdout, answerId, sample, configuration, stderr);
    requireResult(answer, "tools/call search_nodes", configuration);
    if (answer.contains("\"isError\":true")) {
      throw new RunFailedException(
          configuration.id + ": search_nodes answered with a tool error: " + answer);
    }
    return answer;
  }

  /** A {@code tools/call} of {@code search_nodes} for {@code query}. */
  static String searchRequest(int id, String query) {
    return "{\"jsonrpc\":\"2.0\",\"id\":"
        + id
        + ",\"method\":\"tools/call\",\"params\":{"
        + "\"name\":\"search_nodes\",\"arguments\":{\"query\":"
        + quote(query)
        + "}}}";
  }

  private static void send(OutputStream stdin, String line) throws IOException {
    stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    stdin.flush();
  }

  private static String awaitAnswer(
      BufferedReader stdout, Pattern id, Sample sample, Configuration configuration, Path stderr)
      throws IOException {
    String line;
    while ((line = stdout.readLine()) != null) {
      String trimmed = line.strip();
      if (!trimmed.startsWith("{") || !trimmed.contains("\"jsonrpc\"")) {
        sample.stdoutNoise++;
        continue;
      }
      if (id.matcher(trimmed).find() && !trimmed.contains("\"method\"")) {
        return trimmed;
      }
    }
    throw new RunFailedException(
        configuration.id
            + ": the server closed stdout (exited or timed out) before answering; its stderr ends: "
            + tail(stderr));
  }

  private static void requireResult(String answer, String method, Configuration configuration) {
    if (!answer.contains("\"result\"")) {
      throw new RunFailedException(
          configuration.id + ": " + method + " was answered with an error: " + answer);
    }
  }

  /** VmHWM of the process in KiB, or -1 where /proc is not available. */
  public static long peakRssKib(long pid) {
    Path status = Path.of("/proc/" + pid + "/status");
    try {
      if (Files.isReadable(status)) {
        for (String line : Files.readAllLines(status, StandardCharsets.UTF_8)) {
          if (line.startsWith("VmHWM:")) {
            return Long.parseLong(line.replaceAll("[^0-9]", ""));
          }
        }
      }
    } catch (IOException | NumberFormatException e) {
      // The process may have exited in between; peak memory is then unknown.
    }
    return -1;
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join(
          System.lineSeparator(), lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException e) {
      return "(no stderr: " + e.getMessage() + ")";
    }
  }

  /** The median of {@code values} (the mean of the middle two for an even count). */
  public static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static void printTable(PrintStream out, Settings settings, List<Result> results) {
    Result none =
        results.stream().filter(r -> r.configuration.id.equals("none")).findFirst().orElse(null);
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
              r.configuration.label,
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
        results.stream().filter(r -> r.configuration.id.equals("agent")).findFirst();
    Optional<Result> otel =
        results.stream().filter(r -> r.configuration.id.equals("otel")).findFirst();
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
        results.stream().filter(r -> r.configuration.id.equals("agent-baseline")).findFirst();
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

  private static void printFirstSearchTable(
      PrintStream out, Settings settings, List<Result> results) {
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
              r.configuration.label,
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
            + COMPLETE_POLL_MS
            + " ms)");
  }

  /**
   * The goals against OpenTelemetry, judged on this run: the agent's startup penalty at most {@code
   * maxRatio} of OpenTelemetry's, its peak RSS at most {@code maxRssAddedMib} above no agent's.
   * Prints one line per goal.
   *
   * @return 0 when both are met, 3 when one is missed or cannot be judged
   */
  static int check(PrintStream out, Settings settings, List<Result> results) {
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
    return results.stream().filter(r -> r.configuration.id.equals(id)).findFirst();
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
    return median(differences);
  }

  private static void writeJson(Settings settings, List<Result> results) throws IOException {
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
      json.append("    {\"configuration\": ").append(quote(r.configuration.id));
      json.append(", \"label\": ").append(quote(r.configuration.label));
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

  /**
   * What {@code --first-search} runs the subject against: a ComfyUI install directory holding
   * ComfyUI-Manager's map where the Manager keeps it, and a ComfyUI to ask for {@code /object_info}
   * (the simulator, started here and stopped by {@link #close()}, or one already running).
   */
  static final class FirstSearch implements AutoCloseable {
    private static final String BENCHMARK_DATA = "dev.comfyagent.benchmarks.data.BenchmarkData";

    final Path comfyUiPath;
    final String host;
    final int port;
    private final Process simulator;

    private FirstSearch(Path comfyUiPath, String host, int port, Process simulator) {
      this.comfyUiPath = comfyUiPath;
      this.host = host;
      this.port = port;
      this.simulator = simulator;
    }

    static FirstSearch prepare(Settings settings, Path workDir, PrintStream err)
        throws IOException, InterruptedException {
      Path comfyUi = workDir.resolve("ComfyUI");
      // Where ComfyUI-Manager 2.x and its repository keep the map (ManagerNodeMap looks there).
      Path manager = Files.createDirectories(comfyUi.resolve("custom_nodes/ComfyUI-Manager"));
      Path map = manager.resolve("extension-node-map.json");
      if (settings.managerMap != null) {
        Files.copy(settings.managerMap, map);
      } else {
        Files.writeString(map, generatedManagerMap(), StandardCharsets.UTF_8);
      }
      err.printf(
          Locale.ROOT,
          "StartupBenchmark: COMFYUI_PATH=%s (extension-node-map.json, %.1f MB)%n",
          comfyUi,
          Files.size(map) / 1e6);
      if (settings.comfyUiUrl != null) {
        String[] hostPort = hostAndPort(settings.comfyUiUrl);
        return new FirstSearch(comfyUi, hostPort[0], Integer.parseInt(hostPort[1]), null);
      }
      return startSimulator(settings, comfyUi, workDir.resolve("simulator-stderr.txt"), err);
    }

    /** The benchmarks' generated map (40,000 node types), when their jar is on the class path. */
    private static String generatedManagerMap() {
      try {
        return (String)
            Class.forName(BENCHMARK_DATA).getMethod("extensionNodeMapText").invoke(null);
      } catch (ReflectiveOperationException | LinkageError e) {
        throw new IllegalArgumentException(
            "--first-search without --manager-map generates ComfyUI-Manager's map with "
                + BENCHMARK_DATA
                + ", which is not on the class path ("
                + e
                + "): run from benchmarks/target/benchmarks.jar or pass --manager-map FILE");
      }
    }

    private static FirstSearch startSimulator(
        Settings settings, Path comfyUi, Path stderr, PrintStream err)
        throws IOException, InterruptedException {
      ProcessBuilder builder =
          new ProcessBuilder(
              settings.java,
              "-jar",
              settings.simulatorJar.toString(),
              "--port",
              "0",
              "--step-delay-ms",
              "1");
      builder.environment().remove("JAVA_TOOL_OPTIONS");
      builder.environment().remove("JDK_JAVA_OPTIONS");
      builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
      builder.redirectError(stderr.toFile());
      Process process = builder.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.timeoutSeconds);
      while (System.nanoTime() < deadline && process.isAlive()) {
        var listening = LISTENING.matcher(Files.readString(stderr, StandardCharsets.UTF_8));
        if (listening.find()) {
          err.println(
              "StartupBenchmark: ComfyUI simulator at http://"
                  + listening.group(1)
                  + ":"
                  + listening.group(2));
          return new FirstSearch(
              comfyUi, listening.group(1), Integer.parseInt(listening.group(2)), process);
        }
        Thread.sleep(50);
      }
      process.destroyForcibly().waitFor();
      throw new RunFailedException(
          "the ComfyUI simulator "
              + settings.simulatorJar
              + " did not say where it listens; its stderr ends: "
              + tail(stderr));
    }

    /** {@code [host, port]} of an {@code http://host:port} URL. */
    static String[] hostAndPort(String url) {
      var m = Pattern.compile("^http://([^:/\\s]+):(\\d{1,5})/?$").matcher(url.strip());
      if (!m.matches()) {
        throw new IllegalArgumentException(
            "--comfyui-url needs http://host:port (as ComfyUI serves it), got " + url);
      }
      return new String[] {m.group(1), m.group(2)};
    }

    @Override
    public void close() {
      if (simulator == null) {
        return;
      }
      simulator.destroy();
      try {
        if (!simulator.waitFor(10, TimeUnit.SECONDS)) {
          simulator.destroyForcibly().waitFor();
        }
      } catch (InterruptedException e) {
        simulator.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * The newest jar named {@code prefix*.jar} in {@code dir} whose manifest has {@code attribute}
   * (the packaged runtime, the agent), shared with the other whole-process benchmarks.
   */
  public static Optional<Path> findJar(Path dir, String prefix, String attribute) {
    return Settings.findJar(dir, prefix, attribute);
  }

  /** A run could not be completed; the message says which configuration and why. */
  static final class RunFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RunFailedException(String message) {
      super(message);
    }
  }

  /** The measurements of one launch. */
  static final class Sample {
    double initializeMs;
    double toolsListMs;
    long peakRssKib = -1;
    int tools;
    int stdoutNoise;
    double searchMs;
    double searchRequestMs;
    double searchCompleteMs;
    int searchMatches;
    boolean searchPartial;
  }

  /** All counted launches of one configuration. */
  static final class Result {
    final Configuration configuration;
    final List<Sample> samples = new ArrayList<>();

    Result(Configuration configuration) {
      this.configuration = configuration;
    }

    double median(java.util.function.ToDoubleFunction<Sample> f) {
      return samples.isEmpty()
          ? Double.NaN
          : StartupBenchmark.median(samples.stream().mapToDouble(f).toArray());
    }

    double min(java.util.function.ToDoubleFunction<Sample> f) {
      return samples.stream().mapToDouble(f).min().orElse(Double.NaN);
    }

    double max(java.util.function.ToDoubleFunction<Sample> f) {
      return samples.stream().mapToDouble(f).max().orElse(Double.NaN);
    }
  }

  /**
   * One way to launch the subject.
   *
   * @param id {@code none}, {@code agent} or {@code otel}
   * @param label the table's name for it
   * @param agentJar the agent, {@code null} for none
   * @param agentOptions options after the agent jar ({@code =...}); {@code output.dir} is added
   */
  record Configuration(String id, String label, Path agentJar, String agentOptions) {

    List<String> jvmArgs(Path runDir) {
      List<String> args = new ArrayList<>();
      switch (id) {
        case "agent", "agent-baseline" -> {
          String options = "output.dir=" + runDir.resolve("agent").toAbsolutePath();
          if (agentOptions != null && !agentOptions.isBlank()) {
            options = agentOptions + "," + options;
          }
          args.add("-javaagent:" + agentJar.toAbsolutePath() + "=" + options);
        }
        case "otel" -> {
          args.add("-javaagent:" + agentJar.toAbsolutePath());
          args.add("-Dotel.traces.exporter=none");
          args.add("-Dotel.metrics.exporter=none");
          args.add("-Dotel.logs.exporter=none");
        }
        default -> {}
      }
      return args;
    }
  }

  /** Parsed options. */
  static final class Settings {
    static final List<String> VALUED_OPTIONS =
        List.of(
            "--runs",
            "--warmup",
            "--timeout-s",
            "--java",
            "--agent-jar",
            "--agent-options",
            "--otel-jar",
            "--only",
            "--json",
            "--search-query",
            "--manager-map",
            "--comfyui-url",
            "--simulator-jar",
            "--baseline-agent-jar",
            "--max-ratio",
            "--max-rss-added-mib");

    int runs = 5;
    boolean check;
    double maxRatio = 0.10;
    double maxRssAddedMib = 25;
    int warmup = 1;
    long timeoutSeconds = 120;
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> subject = new ArrayList<>();
    List<Configuration> configurations = new ArrayList<>();
    Path json;
    boolean firstSearch;
    String searchQuery = "upscale image";
    Path managerMap;
    String comfyUiUrl;
    Path simulatorJar;

    static Settings parse(String[] args, PrintStream err) {
      Settings s = new Settings();
      String agentJar = null;
      String agentOptions = "";
      String otelJar = null;
      String baselineJar = null;
      List<String> only = List.of("none", "agent", "otel");
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if ("--".equals(a)) {
          s.subject.addAll(Arrays.asList(args).subList(i + 1, args.length));
          break;
        }
        if ("--first-search".equals(a)) {
          s.firstSearch = true;
          continue;
        }
        if ("--check".equals(a)) {
          s.check = true;
          continue;
        }
        if (!VALUED_OPTIONS.contains(a)) {
          throw new IllegalArgumentException(
              "unknown option "
                  + a
                  + "; valid: --check, "
                  + String.join(", ", VALUED_OPTIONS)
                  + ", --first-search, -- <subject JVM arguments>");
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(a + " needs a value");
        }
        String value = args[i + 1];
        switch (a) {
          case "--runs" -> s.runs = positive(a, value);
          case "--warmup" -> s.warmup = Math.max(0, positive(a, value));
          case "--timeout-s" -> s.timeoutSeconds = positive(a, value);
          case "--java" -> s.java = value;
          case "--agent-jar" -> agentJar = value;
          case "--agent-options" -> agentOptions = value;
          case "--otel-jar" -> otelJar = value;
          case "--only" -> only = List.of(value.split(","));
          case "--json" -> s.json = Path.of(value);
          case "--search-query" -> s.searchQuery = value;
          case "--manager-map" -> s.managerMap = Path.of(value);
          case "--comfyui-url" -> s.comfyUiUrl = value;
          case "--simulator-jar" -> s.simulatorJar = Path.of(value);
          case "--baseline-agent-jar" -> baselineJar = value;
          case "--max-ratio" -> s.maxRatio = fraction(a, value);
          case "--max-rss-added-mib" -> s.maxRssAddedMib = fraction(a, value);
          default -> throw new IllegalStateException("unhandled option " + a);
        }
        i++;
      }
      for (String id : only) {
        if (!List.of("none", "agent", "otel").contains(id)) {
          throw new IllegalArgumentException("--only takes none, agent, otel; got " + id);
        }
      }
      if (s.subject.isEmpty()) {
        Path runtime =
            findJar(Path.of("agent-runtime/target"), "agent-runtime-", "Main-Class")
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "no agent-runtime/target/agent-runtime-*-all.jar here (run from the"
                                + " repository root after ./mvnw package), or name a subject"
                                + " after --"));
        s.subject.addAll(List.of("-jar", runtime.toString(), "serve"));
      }
      if (s.json == null) {
        Path target = Path.of("benchmarks/target");
        s.json =
            (Files.isDirectory(target) ? target : Path.of(".")).resolve("startup-results.json");
      } else if (Files.isDirectory(s.json)) {
        throw new IllegalArgumentException(
            "--json " + s.json + " is a directory; name the JSON file to write");
      }
      if (only.contains("none")) {
        s.configurations.add(new Configuration("none", "no agent", null, null));
      }
      if (only.contains("agent")) {
        Optional<Path> jar =
            agentJar != null
                ? Optional.of(Path.of(agentJar))
                : findJar(
                    Path.of("instrument-javaagent/target"),
                    "instrument-javaagent-",
                    "Premain-Class");
        if (jar.isPresent() && Files.isRegularFile(jar.get())) {
          s.configurations.add(
              new Configuration("agent", "instrument-javaagent", jar.get(), agentOptions));
        } else if (agentJar != null) {
          throw new IllegalArgumentException("--agent-jar " + agentJar + " does not exist");
        } else {
          err.println(
              "StartupBenchmark: skipping this agent: no instrument-javaagent/target/"
                  + "instrument-javaagent-*.jar with a Premain-Class (build it, or pass --agent-jar)");
        }
      }
      if (baselineJar != null) {
        if (!Files.isRegularFile(Path.of(baselineJar))) {
          throw new IllegalArgumentException(
              "--baseline-agent-jar " + baselineJar + " does not exist");
        }
        s.configurations.add(
            new Configuration(
                "agent-baseline",
                "instrument-javaagent (baseline)",
                Path.of(baselineJar),
                agentOptions));
      }
      if (only.contains("otel")) {
        Path jar =
            Path.of(
                otelJar != null ? otelJar : "benchmarks/target/agents/opentelemetry-javaagent.jar");
        if (Files.isRegularFile(jar)) {
          s.configurations.add(new Configuration("otel", "OpenTelemetry Java agent", jar, null));
        } else if (otelJar != null) {
          throw new IllegalArgumentException("--otel-jar " + otelJar + " does not exist");
        } else {
          err.println(
              "StartupBenchmark: skipping OpenTelemetry: no "
                  + jar
                  + " (./mvnw -pl benchmarks package copies it there, or pass --otel-jar)");
        }
      }
      if (s.configurations.isEmpty()) {
        throw new IllegalArgumentException("no configuration left to run");
      }
      if (s.firstSearch) {
        s.checkFirstSearch();
      } else if (s.managerMap != null || s.comfyUiUrl != null || s.simulatorJar != null) {
        throw new IllegalArgumentException(
            "--manager-map, --comfyui-url and --simulator-jar only apply with --first-search");
      }
      return s;
    }

    private void checkFirstSearch() {
      if (searchQuery.isBlank()) {
        throw new IllegalArgumentException("--search-query needs some text");
      }
      if (managerMap != null && !Files.isRegularFile(managerMap)) {
        throw new IllegalArgumentException("--manager-map " + managerMap + " is not a file");
      }
      if (comfyUiUrl != null) {
        FirstSearch.hostAndPort(comfyUiUrl); // throws when it is not http://host:port
        if (simulatorJar != null) {
          throw new IllegalArgumentException("give --comfyui-url or --simulator-jar, not both");
        }
        return;
      }
      if (simulatorJar == null) {
        simulatorJar =
            findJar(Path.of("comfyui-simulator/target"), "comfyui-simulator-", "Main-Class")
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "--first-search needs a ComfyUI: no comfyui-simulator/target/"
                                + "comfyui-simulator-*-all.jar here (./mvnw -B -DskipTests"
                                + " package builds it), or pass --comfyui-url"));
      } else if (!Files.isRegularFile(simulatorJar)) {
        throw new IllegalArgumentException("--simulator-jar " + simulatorJar + " does not exist");
      }
    }

    private static double fraction(String option, String value) {
      try {
        double d = Double.parseDouble(value);
        if (!(d >= 0) || Double.isInfinite(d)) {
          throw new NumberFormatException();
        }
        return d;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(option + " needs a number of 0 or more, got " + value);
      }
    }

    private static int positive(String option, String value) {
      try {
        int n = Integer.parseInt(value);
        if (n < 0 || (n == 0 && !"--warmup".equals(option))) {
          throw new NumberFormatException();
        }
        return n;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(option + " needs a positive number, got " + value);
      }
    }

    /**
     * The newest jar named {@code prefix*.jar} in {@code dir} whose manifest has {@code attribute}.
     */
    static Optional<Path> findJar(Path dir, String prefix, String attribute) {
      if (!Files.isDirectory(dir)) {
        return Optional.empty();
      }
      List<Path> found = new ArrayList<>();
      try (DirectoryStream<Path> jars = Files.newDirectoryStream(dir, prefix + "*.jar")) {
        for (Path jar : jars) {
          try (JarFile file = new JarFile(jar.toFile())) {
            if (file.getManifest() != null
                && file.getManifest().getMainAttributes().getValue(attribute) != null) {
              found.add(jar);
            }
          }
        }
      } catch (IOException e) {
        return Optional.empty();
      }
      return found.stream().max(Comparator.comparing(p -> p.toFile().lastModified()));
    }
  }
}
