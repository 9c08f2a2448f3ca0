package dev.comfyagent.benchmarks.startup;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

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
 * <p>A script, not a test: it and the classes beside it ({@link StartupSettings}, {@link
 * StartupReport}, {@link FirstSearch}) depend on the JDK only, so on JDK 22 or later (which
 * compiles the other source files of a program launched from source) it also runs from source
 * without a build of this module. From the repository root:
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
  static final long COMPLETE_POLL_MS = 20;
  private static final Pattern TOOL = Pattern.compile("\"inputSchema\"\\s*:");
  private static final Pattern MATCH = Pattern.compile("\"class_type\"\\s*:");
  private static final Pattern MANAGER_PART_PENDING =
      Pattern.compile("\"manager_map_ready\"\\s*:\\s*false");
  static final Pattern LISTENING = Pattern.compile("listening on http://([^:/\\s]+):(\\d+)");

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
    StartupSettings settings;
    try {
      settings = StartupSettings.parse(args, err);
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
      StartupReport.printTable(out, settings, results);
      if (firstSearch != null) {
        StartupReport.printFirstSearchTable(out, settings, results);
      }
      StartupReport.writeJson(settings, results);
      out.println("JSON: " + settings.json.toAbsolutePath());
      return settings.check ? StartupReport.check(out, settings, results) : 0;
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
      StartupSettings settings, Configuration configuration, Path runDir, FirstSearch firstSearch)
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
      StartupSettings settings,
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
        + StartupReport.quote(query)
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

  static String tail(Path file) {
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

  /**
   * The newest jar named {@code prefix*.jar} in {@code dir} whose manifest has {@code attribute}
   * (the packaged runtime, the agent), shared with the other whole-process benchmarks.
   */
  public static Optional<Path> findJar(Path dir, String prefix, String attribute) {
    return StartupSettings.findJar(dir, prefix, attribute);
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
}
