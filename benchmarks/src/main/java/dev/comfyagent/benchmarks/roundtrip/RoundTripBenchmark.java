package dev.comfyagent.benchmarks.roundtrip;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comfyagent.benchmarks.startup.StartupBenchmark;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * What an agent adds to a whole MCP tool call as a client sees it: the MCP Java SDK's own client
 * ({@link McpSyncClient} over {@link StdioClientTransport}) starts the packaged runtime, calls one
 * cheap tool until the server is warm, then times every call of a measured series; once with no
 * agent, with this project's agent (tracing off, tracing on) and with the OpenTelemetry Java agent
 * observing the same tool method.
 *
 * <p>Each configuration gets a fresh server process per round, and the rounds run in ABBA order
 * (the configurations' order reversed every other round), so that a machine that gets busier or
 * quieter during the run weighs on every configuration alike. A configuration's figure is the
 * median over the rounds; what an agent <em>adds</em> is the median of its per-round differences to
 * no agent of the same round (paired). Besides the client's latencies (p50, p90, p99, mean), each
 * run reads the server process's CPU time (user + system, from the operating system) over the
 * measured calls: CPU per call does not depend on how busy the rest of the machine is the way wall
 * time does.
 *
 * <p>A figure is never labelled with an agent that did not observe the calls: after each run of
 * this project's agent, its final {@code metrics.jsonl} line must count the measured calls of the
 * tool, and trace lines must have been written exactly when tracing was on.
 *
 * <p>Usage, from the repository root after {@code ./mvnw -DskipTests package}:
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.comfyagent.benchmarks.roundtrip.RoundTripBenchmark
 * java ... RoundTripBenchmark --rounds 6 --only none,trace-off
 * </pre>
 *
 * <p>Options: see {@link #USAGE}. Writes {@code benchmarks/target/roundtrip-results.json}.
 */
public final class RoundTripBenchmark {

  static final String USAGE =
      """
      usage: RoundTripBenchmark [options] [-- <subject JVM arguments>]
        Times whole MCP tool calls through stdio (the MCP Java SDK's client against the packaged
        runtime) with no agent, this agent (trace off, trace on) and OpenTelemetry; steady state,
        rounds in ABBA order, medians; p50/p90/p99 per call and the server's CPU per call.
        --rounds N          rounds; each starts every configuration's server afresh (4)
        --warmup-calls N    calls before measuring, per run (3000)
        --calls N           measured calls per run (8000)
        --only LIST         none,trace-off,trace-on,otel (all)
        --tool NAME         the tool called (list_sessions)
        --arguments JSON    its arguments ({})
        --otel-methods S    what OpenTelemetry instruments
                            (dev.comfyagent.runtime.session.ListSessionsTool[call])
        --agent-jar PATH    instrument-javaagent/target/instrument-javaagent-*.jar
        --agent-options S   more options for this agent (key=value,...)
        --otel-jar PATH     benchmarks/target/agents/opentelemetry-javaagent.jar
        --java PATH         the java to launch (this JVM's)
        --json FILE         benchmarks/target/roundtrip-results.json
        -- ARGS             the subject (-jar agent-runtime/target/agent-runtime-<v>-all.jar serve)
      """;

  private RoundTripBenchmark() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs the benchmark.
   *
   * @return 0 when every run completed, 1 when one failed, 2 for bad options
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
      err.println("RoundTripBenchmark: " + e.getMessage());
      return 2;
    }
    try {
      Path workDir = Files.createTempDirectory(settings.runsDir(), "comfyagent-roundtrip-");
      List<Result> results = new ArrayList<>();
      for (Configuration c : settings.configurations) {
        results.add(new Result(c));
      }
      for (int round = 0; round < settings.rounds; round++) {
        List<Result> order = new ArrayList<>(results);
        if (round % 2 != 0) {
          java.util.Collections.reverse(order);
        }
        for (Result r : order) {
          Path runDir = workDir.resolve("run-" + round + "-" + r.configuration.id);
          Sample s = runOnce(settings, r.configuration, runDir);
          s.round = round;
          r.samples.add(s);
          err.printf(
              Locale.ROOT,
              "%s round %d: p50 %.1f us, p99 %.1f us, mean %.1f us, server CPU %.1f us/call,"
                  + " load %.2f%n",
              r.configuration.id,
              round + 1,
              s.p50Us,
              s.p99Us,
              s.meanUs,
              s.serverCpuUsPerCall,
              s.loadAverage);
        }
      }
      printTable(out, settings, results);
      writeJson(settings, results);
      out.println("JSON: " + settings.json.toAbsolutePath());
      return 0;
    } catch (RunFailedException e) {
      err.println("RoundTripBenchmark: " + e.getMessage());
      return 1;
    } catch (IOException e) {
      err.println("RoundTripBenchmark: " + e);
      return 1;
    }
  }

  /** One server under one configuration: warm-up calls, then the measured ones. */
  static Sample runOnce(Settings settings, Configuration configuration, Path runDir)
      throws IOException {
    Files.createDirectories(runDir);
    List<String> command = new ArrayList<>(configuration.jvmArgs(runDir, settings));
    command.addAll(settings.subject);
    ServerParameters parameters =
        ServerParameters.builder(settings.java)
            .args(command)
            .addEnvVar("LOG_DIR", runDir.resolve("logs").toString())
            .addEnvVar("SESSIONS_DIR", runDir.resolve("sessions").toString())
            .build();
    ObjectMapper json = new ObjectMapper();
    StdioClientTransport transport =
        new StdioClientTransport(parameters, new JacksonMcpJsonMapper(json));
    List<String> serverErrors = java.util.Collections.synchronizedList(new ArrayList<>());
    transport.setStdErrorHandler(
        line -> {
          if (serverErrors.size() < 200) {
            serverErrors.add(line);
          }
        });
    Set<Long> childrenBefore = childPids();
    McpSyncClient client =
        McpClient.sync(transport)
            .requestTimeout(Duration.ofSeconds(60))
            .initializationTimeout(Duration.ofSeconds(120))
            .clientInfo(new McpSchema.Implementation("roundtrip-benchmark", "1.0.0"))
            .build();
    Sample sample = new Sample();
    try {
      client.initialize();
      long pid = serverPid(childrenBefore);
      McpSchema.CallToolRequest request =
          new McpSchema.CallToolRequest(settings.tool, settings.arguments);
      Boolean expectedError = null;
      for (int i = 0; i < settings.warmupCalls; i++) {
        McpSchema.CallToolResult result = client.callTool(request);
        if (expectedError == null) {
          expectedError = Boolean.TRUE.equals(result.isError());
          sample.toolAnswersWithError = expectedError;
        }
      }
      long[] nanos = new long[settings.calls];
      var clientOs = ManagementFactory.getOperatingSystemMXBean();
      long clientCpuBefore = processCpuNanos(clientOs);
      long serverCpuBefore = serverCpuNanos(pid);
      sample.loadAverage = clientOs.getSystemLoadAverage();
      long measuredStart = System.nanoTime();
      for (int i = 0; i < settings.calls; i++) {
        long start = System.nanoTime();
        McpSchema.CallToolResult result = client.callTool(request);
        nanos[i] = System.nanoTime() - start;
        if (expectedError != null && Boolean.TRUE.equals(result.isError()) != expectedError) {
          throw new RunFailedException(
              configuration.id + ": call " + i + " answered differently: " + result);
        }
      }
      long measuredNanos = System.nanoTime() - measuredStart;
      long serverCpuAfter = serverCpuNanos(pid);
      long clientCpuAfter = processCpuNanos(clientOs);
      sample.peakRssMib = StartupBenchmark.peakRssKib(pid) / 1024.0;
      Arrays.sort(nanos);
      sample.p50Us = percentile(nanos, 0.50) / 1e3;
      sample.p90Us = percentile(nanos, 0.90) / 1e3;
      sample.p99Us = percentile(nanos, 0.99) / 1e3;
      sample.meanUs = Arrays.stream(nanos).average().orElse(Double.NaN) / 1e3;
      sample.callsPerSecond = settings.calls / (measuredNanos / 1e9);
      sample.serverCpuUsPerCall =
          serverCpuBefore < 0 || serverCpuAfter < 0
              ? Double.NaN
              : (serverCpuAfter - serverCpuBefore) / 1e3 / settings.calls;
      sample.clientCpuUsPerCall =
          clientCpuBefore < 0
              ? Double.NaN
              : (clientCpuAfter - clientCpuBefore) / 1e3 / settings.calls;
    } catch (RuntimeException e) {
      if (e instanceof RunFailedException) {
        throw e;
      }
      throw new RunFailedException(
          configuration.id + ": " + e + "; the server's stderr ends: " + tail(serverErrors));
    } finally {
      client.closeGracefully();
    }
    configuration.checkObserved(runDir, settings, sample);
    return sample;
  }

  /** The value at {@code fraction} of sorted values (nearest rank). */
  static double percentile(long[] sorted, double fraction) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(fraction * sorted.length);
    return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
  }

  private static Set<Long> childPids() {
    Set<Long> pids = new HashSet<>();
    ProcessHandle.current().children().forEach(p -> pids.add(p.pid()));
    return pids;
  }

  /** The server: the child process the client's transport started. */
  private static long serverPid(Set<Long> before) {
    return ProcessHandle.current()
        .children()
        .filter(ProcessHandle::isAlive)
        .map(ProcessHandle::pid)
        .filter(pid -> !before.contains(pid))
        .findFirst()
        .orElseThrow(() -> new RunFailedException("cannot find the server process"));
  }

  /** The process's user + system CPU time in ns, from the operating system; -1 when unknown. */
  static long serverCpuNanos(long pid) {
    Path stat = Path.of("/proc/" + pid + "/stat");
    try {
      if (Files.isReadable(stat)) {
        String text = Files.readString(stat, StandardCharsets.US_ASCII);
        // Fields after the command, which is in parentheses and may hold spaces.
        String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return ticks * (1_000_000_000L / CLOCK_TICKS_PER_SECOND);
      }
    } catch (IOException | RuntimeException e) {
      // fall back below
    }
    return ProcessHandle.of(pid)
        .flatMap(p -> p.info().totalCpuDuration())
        .map(Duration::toNanos)
        .orElse(-1L);
  }

  /** Linux's USER_HZ, the unit of /proc/[pid]/stat's times: 100 on every mainstream kernel. */
  private static final long CLOCK_TICKS_PER_SECOND = 100;

  private static long processCpuNanos(java.lang.management.OperatingSystemMXBean os) {
    return os instanceof com.sun.management.OperatingSystemMXBean sun
        ? sun.getProcessCpuTime()
        : -1;
  }

  private static String tail(List<String> lines) {
    synchronized (lines) {
      return String.join(
          System.lineSeparator(), lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    }
  }

  private static void printTable(PrintStream out, Settings settings, List<Result> results) {
    Result none =
        results.stream()
            .filter(r -> r.configuration == Configuration.NONE)
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
    for (Result r : results) {
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

  private static void writeJson(Settings settings, List<Result> results) throws IOException {
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
    Result none =
        results.stream()
            .filter(r -> r.configuration == Configuration.NONE)
            .findFirst()
            .orElse(null);
    List<Object> list = new ArrayList<>();
    for (Result r : results) {
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
      // What each run saw, so a reader can tell a tool that answered isError, and that the agent
      // counted every call (none for the runs without it).
      m.put("tool_answers_with_error", r.samples.stream().anyMatch(s -> s.toolAnswersWithError));
      m.put("agent_calls", r.samples.stream().mapToLong(s -> s.agentCalls).boxed().toList());
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

  private static Double round1(double value) {
    return Double.isFinite(value) ? Math.round(value * 10) / 10.0 : null;
  }

  /** A run could not be completed; the message says which configuration and why. */
  static final class RunFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RunFailedException(String message) {
      super(message);
    }
  }

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

  /** Every run of one configuration. */
  static final class Result {
    final Configuration configuration;
    final List<Sample> samples = new ArrayList<>();

    Result(Configuration configuration) {
      this.configuration = configuration;
    }

    double median(ToDoubleFunction<Sample> f) {
      return samples.isEmpty()
          ? Double.NaN
          : StartupBenchmark.median(samples.stream().mapToDouble(f).toArray());
    }

    /** The median over rounds of this configuration's figure minus {@code base}'s, same round. */
    double pairedDifference(Result base, ToDoubleFunction<Sample> f) {
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
          : StartupBenchmark.median(
              differences.stream().mapToDouble(Double::doubleValue).toArray());
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
  }

  /** The ways the server is started. */
  enum Configuration {
    NONE("none", "no agent"),
    TRACE_OFF("trace-off", "instrument-javaagent, trace=off"),
    TRACE_ON("trace-on", "instrument-javaagent, trace=on"),
    OTEL("otel", "OpenTelemetry Java agent");

    final String id;
    final String label;

    Configuration(String id, String label) {
      this.id = id;
      this.label = label;
    }

    static Configuration byId(String id) {
      for (Configuration c : values()) {
        if (c.id.equals(id)) {
          return c;
        }
      }
      throw new IllegalArgumentException("--only takes none, trace-off, trace-on, otel; got " + id);
    }

    boolean thisAgent() {
      return this == TRACE_OFF || this == TRACE_ON;
    }

    List<String> jvmArgs(Path runDir, Settings settings) {
      List<String> args = new ArrayList<>();
      switch (this) {
        case TRACE_OFF, TRACE_ON -> {
          // A metrics line an hour: only the final one, at exit, is written during a run.
          String options =
              "trace="
                  + (this == TRACE_ON ? "on" : "off")
                  + ",strict=true,metrics.interval=3600s,output.dir="
                  + runDir.resolve("agent").toAbsolutePath();
          if (!settings.agentOptions.isBlank()) {
            options += "," + settings.agentOptions;
          }
          args.add("-javaagent:" + settings.agentJar.toAbsolutePath() + "=" + options);
        }
        case OTEL -> {
          args.add("-javaagent:" + settings.otelJar.toAbsolutePath());
          args.add("-Dotel.instrumentation.methods.include=" + settings.otelMethods);
          args.add("-Dotel.traces.exporter=none");
          args.add("-Dotel.metrics.exporter=none");
          args.add("-Dotel.logs.exporter=none");
        }
        case NONE -> {}
      }
      return args;
    }

    /**
     * Checks that this project's agent observed the run: its final metrics line counts at least the
     * measured calls of the tool, and trace lines exist exactly when tracing is on.
     */
    void checkObserved(Path runDir, Settings settings, Sample sample) throws IOException {
      if (!thisAgent()) {
        return;
      }
      Path agentDir = runDir.resolve("agent");
      Path metrics = null;
      Path traces = null;
      // The server exits asynchronously after the client closes: wait for its final line.
      for (int i = 0; i < 100; i++) {
        metrics = newest(agentDir, "metrics");
        traces = newest(agentDir, "traces");
        if (metrics != null && Files.readString(metrics).contains("\"type\":\"final\"")) {
          break;
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      if (metrics == null) {
        throw new RunFailedException(id + ": the agent wrote no metrics file in " + agentDir);
      }
      List<String> lines = Files.readAllLines(metrics);
      String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
      Map<String, Object> line =
          new ObjectMapper().readValue(last, new TypeReference<Map<String, Object>>() {});
      long calls = callsOf(line, settings.tool);
      if (calls < settings.calls) {
        throw new RunFailedException(
            id
                + ": the agent counted "
                + calls
                + " calls of "
                + settings.tool
                + ", fewer than the "
                + settings.calls
                + " measured: it did not observe them");
      }
      boolean traced = traces != null && Files.size(traces) > 0;
      if (traced != (this == TRACE_ON)) {
        throw new RunFailedException(
            id + ": trace lines " + (traced ? "written" : "missing") + " in " + agentDir);
      }
      sample.agentCalls = calls;
    }

    private static long callsOf(Map<String, Object> line, String tool) {
      if (line.get("total") instanceof Map<?, ?> total
          && total.get("tools") instanceof Map<?, ?> tools
          && tools.get(tool) instanceof Map<?, ?> figures
          && figures.get("calls") instanceof Number n) {
        return n.longValue();
      }
      return 0;
    }

    private static Path newest(Path dir, String prefix) throws IOException {
      if (!Files.isDirectory(dir)) {
        return null;
      }
      try (var files = Files.list(dir)) {
        return files
            .filter(p -> String.valueOf(p.getFileName()).startsWith(prefix))
            .filter(p -> String.valueOf(p.getFileName()).endsWith(".jsonl"))
            .findFirst()
            .orElse(null);
      }
    }
  }

  /** Parsed options. */
  static final class Settings {
    int rounds = 4;
    int warmupCalls = 3000;
    int calls = 8000;
    String tool = "list_sessions";
    Map<String, Object> arguments = new HashMap<>();
    String otelMethods = "dev.comfyagent.runtime.session.ListSessionsTool[call]";
    Path agentJar;
    String agentOptions = "";
    Path otelJar;
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path json;
    List<String> subject = new ArrayList<>();
    List<Configuration> configurations = new ArrayList<>();

    static final List<String> VALUED_OPTIONS =
        List.of(
            "--rounds",
            "--warmup-calls",
            "--calls",
            "--only",
            "--tool",
            "--arguments",
            "--otel-methods",
            "--agent-jar",
            "--agent-options",
            "--otel-jar",
            "--java",
            "--json");

    static Settings parse(String[] args, PrintStream err) {
      Settings s = new Settings();
      List<String> only = List.of("none", "trace-off", "trace-on", "otel");
      String agentJar = null;
      String otelJar = null;
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if ("--".equals(a)) {
          s.subject.addAll(Arrays.asList(args).subList(i + 1, args.length));
          break;
        }
        if (!VALUED_OPTIONS.contains(a)) {
          throw new IllegalArgumentException(
              "unknown option " + a + "; valid: " + String.join(", ", VALUED_OPTIONS) + ", --");
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(a + " needs a value");
        }
        String value = args[++i];
        switch (a) {
          case "--rounds" -> s.rounds = positive(a, value);
          case "--warmup-calls" -> s.warmupCalls = positive(a, value);
          case "--calls" -> s.calls = positive(a, value);
          case "--only" -> only = List.of(value.split(","));
          case "--tool" -> s.tool = value;
          case "--arguments" -> s.arguments = arguments(value);
          case "--otel-methods" -> s.otelMethods = value;
          case "--agent-jar" -> agentJar = value;
          case "--agent-options" -> s.agentOptions = value;
          case "--otel-jar" -> otelJar = value;
          case "--java" -> s.java = value;
          case "--json" -> s.json = Path.of(value);
          default -> throw new IllegalStateException("unhandled option " + a);
        }
      }
      for (String id : only) {
        s.configurations.add(Configuration.byId(id.strip()));
      }
      if (s.subject.isEmpty()) {
        Path runtime =
            StartupBenchmark.findJar(
                    Path.of("agent-runtime/target"), "agent-runtime-", "Main-Class")
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "no agent-runtime/target/agent-runtime-*-all.jar here (run from the"
                                + " repository root after ./mvnw package), or name a subject"
                                + " after --"));
        s.subject.addAll(List.of("-jar", runtime.toString(), "serve"));
      }
      if (s.configurations.stream().anyMatch(Configuration::thisAgent)) {
        Optional<Path> jar =
            agentJar != null
                ? Optional.of(Path.of(agentJar))
                : StartupBenchmark.findJar(
                    Path.of("instrument-javaagent/target"),
                    "instrument-javaagent-",
                    "Premain-Class");
        if (jar.isEmpty() || !Files.isRegularFile(jar.get())) {
          throw new IllegalArgumentException(
              "no agent jar "
                  + (agentJar != null ? agentJar : "instrument-javaagent/target/*.jar")
                  + " (build it, or pass --agent-jar, or leave trace-off and trace-on out)");
        }
        s.agentJar = jar.get();
      }
      if (s.configurations.contains(Configuration.OTEL)) {
        Path jar =
            Path.of(
                otelJar != null ? otelJar : "benchmarks/target/agents/opentelemetry-javaagent.jar");
        if (Files.isRegularFile(jar)) {
          s.otelJar = jar;
        } else if (otelJar != null) {
          throw new IllegalArgumentException("--otel-jar " + otelJar + " does not exist");
        } else {
          err.println(
              "RoundTripBenchmark: skipping OpenTelemetry: no "
                  + jar
                  + " (./mvnw -pl benchmarks package copies it there, or pass --otel-jar)");
          s.configurations.remove(Configuration.OTEL);
        }
      }
      if (s.configurations.isEmpty()) {
        throw new IllegalArgumentException("no configuration left to run");
      }
      if (s.json == null) {
        Path target = Path.of("benchmarks/target");
        s.json =
            (Files.isDirectory(target) ? target : Path.of(".")).resolve("roundtrip-results.json");
      }
      return s;
    }

    /** Where the servers' folders go: beside the JSON file, so a run's files stay together. */
    Path runsDir() throws IOException {
      Path parent = json.toAbsolutePath().getParent();
      if (parent == null) {
        throw new IllegalArgumentException("--json " + json + " has no folder to write runs in");
      }
      Files.createDirectories(parent);
      return parent;
    }

    private static Map<String, Object> arguments(String value) {
      try {
        return new ObjectMapper().readValue(value, new TypeReference<Map<String, Object>>() {});
      } catch (IOException e) {
        throw new IllegalArgumentException("--arguments needs a JSON object, got " + value);
      }
    }

    private static int positive(String option, String value) {
      try {
        int n = Integer.parseInt(value);
        if (n <= 0) {
          throw new NumberFormatException();
        }
        return n;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(option + " needs a positive number, got " + value);
      }
    }
  }
}
