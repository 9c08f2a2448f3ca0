package dev.comfyagent.benchmarks.roundtrip;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How much CPU a process's threads have used, in nanoseconds, and how much of it its JIT compiler
 * threads: read from Linux's {@code /proc/<pid>/task/<tid>/schedstat} (time on a CPU, in ns) and
 * {@code comm} (the thread's name). {@link RoundTripBenchmark} uses the JIT's share to tell when a
 * server is warm: a JVM still compiling takes CPU from the calls being timed, on two cores most of
 * it.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * ThreadCpu before = ThreadCpu.read(pid).orElseThrow();
 * ... calls ...
 * double jitShare = ThreadCpu.read(pid).orElseThrow().minus(before).jitShare();
 * }</pre>
 *
 * <p>Threads that ended between two readings are not in their difference; the JVM's compiler and
 * tool threads live as long as the process. Immutable.
 *
 * @param totalNanos CPU time of the threads alive at the reading
 * @param jitNanos the part of it on HotSpot's compiler threads ({@code C1 CompilerThread*}, {@code
 *     C2 CompilerThread*}, as the kernel shortens them to 15 characters)
 */
record ThreadCpu(long totalNanos, long jitNanos) {

  /** The threads' figures, or empty where {@code /proc} has no schedstat (not Linux). */
  static Optional<ThreadCpu> read(long pid) {
    Path tasks = Path.of("/proc", Long.toString(pid), "task");
    if (!Files.isDirectory(tasks)) {
      return Optional.empty();
    }
    long total = 0;
    long jit = 0;
    try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
      for (Path thread : threads) {
        long nanos;
        String name;
        try {
          nanos = onCpuNanos(Files.readString(thread.resolve("schedstat"), StandardCharsets.UTF_8));
          name = Files.readString(thread.resolve("comm"), StandardCharsets.UTF_8).strip();
        } catch (IOException | RuntimeException e) {
          continue; // the thread ended while it was read
        }
        total += nanos;
        if (isJitCompiler(name)) {
          jit += nanos;
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.of(new ThreadCpu(total, jit));
  }

  /** The first field of a schedstat line: nanoseconds spent on a CPU. */
  static long onCpuNanos(String schedstat) {
    String line = schedstat.strip();
    int space = line.indexOf(' ');
    return Long.parseLong(space < 0 ? line : line.substring(0, space));
  }

  /** Whether a thread of this name compiles for HotSpot's JIT. */
  static boolean isJitCompiler(String threadName) {
    return threadName.startsWith("C1 CompilerThre") || threadName.startsWith("C2 CompilerThre");
  }

  /** What the threads used between {@code earlier} and this reading. */
  ThreadCpu minus(ThreadCpu earlier) {
    return new ThreadCpu(totalNanos - earlier.totalNanos, jitNanos - earlier.jitNanos);
  }

  /** The compiler threads' part of the CPU time, 0 to 1; 0 when no time was used. */
  double jitShare() {
    return totalNanos <= 0 ? 0 : (double) Math.max(0, jitNanos) / totalNanos;
  }
}
