package dev.comfyagent.benchmarks.roundtrip;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comfyagent.benchmarks.roundtrip.RoundTripBenchmark.RunFailedException;
import dev.comfyagent.benchmarks.startup.StartupBenchmark;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One server process under one {@link RoundTripConfiguration}, driven by the MCP Java SDK's own
 * client: {@link #start}, {@link #warmUp} until its JIT is quiet, {@link #measure} one or more
 * blocks of calls (other servers' blocks may come between), then {@link #finish} for its {@link
 * RoundTripResult.Sample}.
 *
 * <p>Not thread-safe: driven by the benchmark's thread.
 */
final class ServerRun implements AutoCloseable {

  /**
   * Warm-up goes on, after the minimum, in blocks of this many calls until the JIT compiler threads
   * took at most {@link #JIT_QUIET_SHARE} of the server's CPU over {@link #QUIET_BLOCKS} blocks in
   * a row. One quiet block is not enough: code that runs on a timer (an agent's writer thread)
   * reaches the compiler's thresholds seconds later than the code every call runs.
   */
  static final int WARMUP_BLOCK_CALLS = 2000;

  static final double JIT_QUIET_SHARE = 0.02;

  static final int QUIET_BLOCKS = 2;

  private final RoundTripSettings settings;
  final RoundTripConfiguration configuration;
  private final Path runDir;
  private final McpSyncClient client;
  private final StderrTail serverErrors = new StderrTail();
  private final McpSchema.CallToolRequest request;
  private final RoundTripResult.Sample sample = new RoundTripResult.Sample();
  private final long[] nanos;
  private final java.lang.management.OperatingSystemMXBean clientOs =
      ManagementFactory.getOperatingSystemMXBean();
  private long pid;
  private Boolean expectedError;
  private int measured;
  private long measuredWallNanos;
  private long serverCpuNanos;
  private long clientCpuNanos;
  private long threadCpuNanos;
  private long jitNanos;
  private boolean cpuKnown = true;
  private boolean closed;

  private ServerRun(
      RoundTripSettings settings,
      RoundTripConfiguration configuration,
      Path runDir,
      McpSyncClient client) {
    this.settings = settings;
    this.configuration = configuration;
    this.runDir = runDir;
    this.client = client;
    this.request = new McpSchema.CallToolRequest(settings.tool, settings.arguments);
    this.nanos = new long[settings.calls];
  }

  /** Starts the server and initializes the MCP session. */
  static ServerRun start(
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
    StdioClientTransport transport =
        new StdioClientTransport(parameters, new JacksonMcpJsonMapper(new ObjectMapper()));
    Set<Long> childrenBefore = childPids();
    McpSyncClient client =
        McpClient.sync(transport)
            .requestTimeout(Duration.ofSeconds(60))
            .initializationTimeout(Duration.ofSeconds(120))
            .clientInfo(new McpSchema.Implementation("roundtrip-benchmark", "1.0.0"))
            .build();
    ServerRun run = new ServerRun(settings, configuration, runDir, client);
    transport.setStdErrorHandler(run.serverErrors::add);
    try {
      client.initialize();
      run.pid = serverPid(childrenBefore);
    } catch (RuntimeException e) {
      run.close();
      throw run.failure(e);
    }
    return run;
  }

  /**
   * Calls the tool {@code --warmup-calls} times, then, where the server's threads can be read,
   * {@link #WARMUP_BLOCK_CALLS} at a time until its JIT compiler threads are quiet or {@code
   * --warmup-max-calls} were made.
   */
  void warmUp() {
    try {
      int calls = 0;
      for (; calls < settings.warmupCalls; calls++) {
        call(calls);
      }
      int quietBlocks = 0;
      while (calls < settings.warmupMaxCalls && quietBlocks < QUIET_BLOCKS) {
        Optional<ThreadCpu> before = ThreadCpu.read(pid);
        int block = Math.min(WARMUP_BLOCK_CALLS, settings.warmupMaxCalls - calls);
        for (int i = 0; i < block; i++) {
          call(calls++);
        }
        Optional<ThreadCpu> after = ThreadCpu.read(pid);
        if (before.isEmpty() || after.isEmpty()) {
          break;
        }
        boolean quiet = after.get().minus(before.get()).jitShare() <= JIT_QUIET_SHARE;
        quietBlocks = quiet ? quietBlocks + 1 : 0;
      }
      sample.warmupCalls = calls;
      sample.jitQuietAtStart = quietBlocks >= QUIET_BLOCKS;
    } catch (RuntimeException e) {
      throw failure(e);
    }
  }

  /** Times {@code count} more calls (at most the measured calls left). */
  void measure(int count) {
    try {
      int end = Math.min(nanos.length, measured + count);
      if (measured == 0) {
        sample.loadAverage = clientOs.getSystemLoadAverage();
      }
      Optional<ThreadCpu> threadsBefore = ThreadCpu.read(pid);
      long clientCpuBefore = processCpuNanos();
      long serverCpuBefore = RoundTripBenchmark.serverCpuNanos(pid);
      long start = System.nanoTime();
      for (int i = measured; i < end; i++) {
        long callStart = System.nanoTime();
        McpSchema.CallToolResult result = client.callTool(request);
        nanos[i] = System.nanoTime() - callStart;
        checkAnswer(i, result);
      }
      measuredWallNanos += System.nanoTime() - start;
      long serverCpuAfter = RoundTripBenchmark.serverCpuNanos(pid);
      long clientCpuAfter = processCpuNanos();
      Optional<ThreadCpu> threadsAfter = ThreadCpu.read(pid);
      if (serverCpuBefore < 0 || serverCpuAfter < 0 || clientCpuBefore < 0) {
        cpuKnown = false;
      }
      serverCpuNanos += serverCpuAfter - serverCpuBefore;
      clientCpuNanos += clientCpuAfter - clientCpuBefore;
      if (threadsBefore.isPresent() && threadsAfter.isPresent()) {
        ThreadCpu used = threadsAfter.get().minus(threadsBefore.get());
        threadCpuNanos += used.totalNanos();
        jitNanos += used.jitNanos();
      }
      measured = end;
    } catch (RuntimeException e) {
      throw failure(e);
    }
  }

  /**
   * The server's CPU per measured call in microseconds: from its threads' on-CPU nanoseconds
   * ({@code schedstat}) where Linux gives them, else from the process's clock ticks ({@code
   * tickNanos}, 10 ms each: 1.25 µs a call over 8,000 calls, too coarse for what an agent adds),
   * else NaN.
   */
  static double serverCpuUsPerCall(long threadNanos, long tickNanos, int calls) {
    if (threadNanos > 0) {
      return threadNanos / 1e3 / calls;
    }
    return tickNanos >= 0 ? tickNanos / 1e3 / calls : Double.NaN;
  }

  /** Ends the server and returns its figures, once this agent's files say it observed the run. */
  RoundTripResult.Sample finish(int round) throws IOException {
    sample.round = round;
    sample.peakRssMib = StartupBenchmark.peakRssKib(pid) / 1024.0;
    long[] sorted = Arrays.copyOf(nanos, measured);
    Arrays.sort(sorted);
    sample.p50Us = RoundTripBenchmark.percentile(sorted, 0.50) / 1e3;
    sample.p90Us = RoundTripBenchmark.percentile(sorted, 0.90) / 1e3;
    sample.p99Us = RoundTripBenchmark.percentile(sorted, 0.99) / 1e3;
    sample.meanUs = Arrays.stream(sorted).average().orElse(Double.NaN) / 1e3;
    sample.callsPerSecond = measured / (measuredWallNanos / 1e9);
    sample.serverCpuUsPerCall =
        serverCpuUsPerCall(threadCpuNanos, cpuKnown ? serverCpuNanos : -1, measured);
    sample.clientCpuUsPerCall = cpuKnown ? clientCpuNanos / 1e3 / measured : Double.NaN;
    sample.jitCpuShare = threadCpuNanos > 0 ? (double) jitNanos / threadCpuNanos : Double.NaN;
    close();
    configuration.checkObserved(runDir, settings, sample);
    return sample;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      client.closeGracefully();
    }
  }

  private void call(int index) {
    checkAnswer(index, client.callTool(request));
  }

  private void checkAnswer(int index, McpSchema.CallToolResult result) {
    boolean error = Boolean.TRUE.equals(result.isError());
    if (expectedError == null) {
      expectedError = error;
      sample.toolAnswersWithError = error;
    } else if (error != expectedError) {
      throw new RunFailedException(
          configuration.id + ": call " + index + " answered differently: " + result);
    }
  }

  private RunFailedException failure(RuntimeException e) {
    if (e instanceof RunFailedException failed) {
      return failed;
    }
    return new RunFailedException(
        configuration.id + ": " + e + "; the server's stderr ends: " + serverErrors.tail());
  }

  private long processCpuNanos() {
    return clientOs instanceof com.sun.management.OperatingSystemMXBean sun
        ? sun.getProcessCpuTime()
        : -1;
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

  /**
   * The server's first stderr lines, for the message of a failed run: written by the transport's
   * thread, read by the benchmark's. Thread-safe.
   */
  private static final class StderrTail {
    private static final int KEPT = 200;
    private static final int SHOWN = 15;
    private final List<String> lines = new ArrayList<>();

    synchronized void add(String line) {
      if (lines.size() < KEPT) {
        lines.add(line);
      }
    }

    synchronized String tail() {
      return String.join(
          System.lineSeparator(), lines.subList(Math.max(0, lines.size() - SHOWN), lines.size()));
    }
  }
}
