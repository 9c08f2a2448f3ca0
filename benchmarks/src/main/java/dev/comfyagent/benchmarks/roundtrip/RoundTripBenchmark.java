package dev.comfyagent.benchmarks.roundtrip;

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
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

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
    RoundTripSettings settings;
    try {
      settings = RoundTripSettings.parse(args, err);
    } catch (IllegalArgumentException e) {
      err.println("RoundTripBenchmark: " + e.getMessage());
      return 2;
    }
    try {
      Path workDir = Files.createTempDirectory(settings.runsDir(), "comfyagent-roundtrip-");
      List<RoundTripResult> results = new ArrayList<>();
      for (RoundTripConfiguration c : settings.configurations) {
        results.add(new RoundTripResult(c));
      }
      for (int round = 0; round < settings.rounds; round++) {
        List<RoundTripResult> order = new ArrayList<>(results);
        if (round % 2 != 0) {
          java.util.Collections.reverse(order);
        }
        for (RoundTripResult r : order) {
          Path runDir = workDir.resolve("run-" + round + "-" + r.configuration.id);
          RoundTripResult.Sample s = runOnce(settings, r.configuration, runDir);
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
      RoundTripResult.printTable(out, settings, results);
      RoundTripResult.writeJson(settings, results);
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
  static RoundTripResult.Sample runOnce(
      RoundTripSettings settings, RoundTripConfiguration configuration, Path runDir)
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
    RoundTripResult.Sample sample = new RoundTripResult.Sample();
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

  /** A run could not be completed; the message says which configuration and why. */
  static final class RunFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RunFailedException(String message) {
      super(message);
    }
  }
}
