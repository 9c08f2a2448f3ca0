package dev.comfyagent.benchmarks.roundtrip;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * What an agent adds to a whole MCP tool call as a client sees it: the MCP Java SDK's own client
 * ({@code McpSyncClient} over {@code StdioClientTransport}) starts the packaged runtime, calls one
 * cheap tool until the server is warm, then times every call of a measured series; with no agent,
 * with this project's agent (tracing off, tracing on) and with the OpenTelemetry Java agent
 * observing the same tool method.
 *
 * <p><b>Warm</b> means the server's JIT has finished: after {@code --warmup-calls}, the calls go on
 * in blocks of {@value ServerRun#WARMUP_BLOCK_CALLS} until HotSpot's compiler threads took at most
 * 2% of the server's CPU over two blocks in a row (read per thread from Linux's {@code /proc}, see
 * {@link ThreadCpu}), at most {@code --warmup-max-calls}. A fixed count is not enough: after 3,000
 * calls of {@code list_sessions} the compilers still took half of agent-runtime's CPU on two cores.
 *
 * <p><b>Paired and interleaved.</b> Every round starts a fresh server per configuration and warms
 * each up; then the configurations take turns, {@code --blocks} blocks of the measured calls each,
 * the order reversed every turn (ABBA) and every other round. So a machine that gets busier or
 * quieter weighs on every configuration alike, within seconds rather than minutes. A
 * configuration's figure is the median over the rounds; what an agent <em>adds</em> is the median
 * of its per-round differences to no agent of the same round, with the distribution-free interval
 * of that median ({@link RoundTripResult#pairedInterval}). Besides the client's latencies (p50,
 * p90, p99, mean), each run reads the server process's CPU time over the measured calls and the
 * JIT's share of it.
 *
 * <p>A figure is never labelled with an agent that did not observe the calls: after each run of
 * this project's agent, its final {@code metrics.jsonl} line must count the measured calls of the
 * tool, and trace lines must have been written exactly when tracing was on.
 *
 * <p>Usage, from the repository root after {@code ./mvnw -DskipTests package}:
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.comfyagent.benchmarks.roundtrip.RoundTripBenchmark
 * java ... RoundTripBenchmark --rounds 16 --only none,trace-off,trace-on
 * </pre>
 *
 * <p>Options: see {@link #USAGE}. Writes {@code benchmarks/target/roundtrip-results.json}.
 */
public final class RoundTripBenchmark {

  static final String USAGE =
      """
      usage: RoundTripBenchmark [options] [-- <subject JVM arguments>]
        Times whole MCP tool calls through stdio (the MCP Java SDK's client against the packaged
        runtime) with no agent, this agent (trace off, trace on) and OpenTelemetry; warm until
        the server's JIT is quiet, configurations interleaved in ABBA turns, medians of
        rounds; p50/p90/p99 per call and the server's CPU per call.
        --rounds N          rounds; each starts every configuration's server afresh (6: the fewest
                            that bound the median with 95%)
        --warmup-calls N    calls before measuring, at least, per server (3000)
        --warmup-max-calls N  then more until the server's JIT is quiet, at most (100000;
                            the same as --warmup-calls: a fixed warm-up)
        --calls N           measured calls per server (8000)
        --blocks N          turns the measured calls are split into, configurations
                            alternating (8)
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
        runRound(settings, results, round, workDir, err);
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

  /**
   * One round: every configuration's server started and warmed up, then their measured calls in
   * {@code --blocks} turns, the configurations' order reversed every other turn and every other
   * round.
   */
  private static void runRound(
      RoundTripSettings settings,
      List<RoundTripResult> results,
      int round,
      Path workDir,
      PrintStream err)
      throws IOException {
    List<RoundTripResult> order = new ArrayList<>(results);
    if (round % 2 != 0) {
      Collections.reverse(order);
    }
    List<ServerRun> servers = new ArrayList<>();
    try {
      for (RoundTripResult r : order) {
        Path runDir = workDir.resolve("run-" + round + "-" + r.configuration.id);
        servers.add(ServerRun.start(settings, r.configuration, runDir));
      }
      for (ServerRun server : servers) {
        server.warmUp();
      }
      List<ServerRun> turn = new ArrayList<>(servers);
      int[] blocks = blockSizes(settings.calls, settings.blocks);
      for (int block : blocks) {
        for (ServerRun server : turn) {
          server.measure(block);
        }
        Collections.reverse(turn);
      }
      for (int i = 0; i < servers.size(); i++) {
        RoundTripResult.Sample s = servers.get(i).finish(round);
        order.get(i).samples.add(s);
        err.printf(
            Locale.ROOT,
            "%s round %d: p50 %.1f us, p99 %.1f us, mean %.1f us, server CPU %.1f us/call"
                + " (JIT %.1f%%), warm after %d calls%s, load %.2f%n",
            order.get(i).configuration.id,
            round + 1,
            s.p50Us,
            s.p99Us,
            s.meanUs,
            s.serverCpuUsPerCall,
            100 * s.jitCpuShare,
            s.warmupCalls,
            s.jitQuietAtStart ? "" : " (JIT not quiet)",
            s.loadAverage);
      }
    } finally {
      for (ServerRun server : servers) {
        server.close();
      }
    }
  }

  /** {@code calls} split into {@code blocks} turns as even as whole numbers allow. */
  static int[] blockSizes(int calls, int blocks) {
    int turns = Math.max(1, Math.min(blocks, calls));
    int[] sizes = new int[turns];
    for (int i = 0; i < turns; i++) {
      sizes[i] = calls / turns + (i < calls % turns ? 1 : 0);
    }
    return sizes;
  }

  /** The value at {@code fraction} of sorted values (nearest rank). */
  static double percentile(long[] sorted, double fraction) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(fraction * sorted.length);
    return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
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

  /** A run could not be completed; the message says which configuration and why. */
  static final class RunFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RunFailedException(String message) {
      super(message);
    }
  }
}
