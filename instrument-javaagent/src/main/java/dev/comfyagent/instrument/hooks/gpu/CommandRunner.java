package dev.comfyagent.instrument.hooks.gpu;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short command with a time limit and returns what it printed on stdout.
 *
 * <p>Why each choice: stdout is read on its own daemon thread (a "gobbler") so that a process
 * printing more than a pipe holds never blocks waiting for us; stderr goes to the null device
 * (nvidia-smi has nothing there we use, and an undrained pipe would block it); stdin is closed at
 * once; a process still running at the deadline is killed together with its descendants (collected
 * before the parent dies, when they can still be found), since a wrapper script's child holds the
 * pipe open after its parent is gone. At most {@link #MAX_OUTPUT_BYTES} are kept; the rest is read
 * and dropped, which leaves a partial last line that the parser reports.
 *
 * <p>Thread safe: each {@link #run} is independent.
 */
final class CommandRunner {

  /** Output kept per run: far more than nvidia-smi prints for 16 GPUs. */
  static final int MAX_OUTPUT_BYTES = 64 * 1024;

  private static final long GOBBLER_GRACE_MILLIS = 500;

  private final HostEnvironment host;
  private final Duration timeout;

  CommandRunner(HostEnvironment host, Duration timeout) {
    this.host = host;
    this.timeout = timeout;
  }

  /** How a run ended. */
  enum Status {
    /** The process exited; see {@link Outcome#exitCode()}. */
    EXITED,
    /** The deadline passed; the process tree was killed. */
    TIMED_OUT,
    /** The process could not be started. */
    START_FAILED
  }

  /**
   * The result of one run.
   *
   * @param status how it ended
   * @param exitCode the exit status when {@link Status#EXITED}, else -1
   * @param stdout what it printed (at most {@link #MAX_OUTPUT_BYTES}, decoded as UTF-8)
   * @param problem why it failed to start, else empty
   */
  record Outcome(Status status, int exitCode, String stdout, String problem) {}

  /**
   * Runs the command and waits for it, at most the timeout.
   *
   * @throws InterruptedException when the calling thread is interrupted; the process tree is killed
   *     first
   */
  Outcome run(List<String> command) throws InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command);
    // The injected variables (a test's PATH) reach the child too; for the real host they are the
    // inherited environment already.
    builder.environment().putAll(host.variables());
    builder.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process process;
    try {
      process = builder.start();
    } catch (IOException | RuntimeException e) {
      return new Outcome(Status.START_FAILED, -1, "", String.valueOf(e.getMessage()));
    }
    closeQuietly(process);
    OutputGobbler gobbler = new OutputGobbler(process.getInputStream());
    Thread reader = new Thread(gobbler, "comfyagent-gpu-command-output");
    reader.setDaemon(true);
    reader.start();
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        killTree(process);
        reader.join(GOBBLER_GRACE_MILLIS);
        return new Outcome(Status.TIMED_OUT, -1, gobbler.text(), "");
      }
      // The process has exited; a descendant may still hold the pipe, so the wait stays bounded.
      long remainingMillis =
          Math.max(GOBBLER_GRACE_MILLIS, (deadline - System.nanoTime()) / 1_000_000L);
      reader.join(remainingMillis);
      if (reader.isAlive()) {
        killTree(process);
        return new Outcome(Status.TIMED_OUT, -1, gobbler.text(), "");
      }
      return new Outcome(Status.EXITED, process.exitValue(), gobbler.text(), "");
    } catch (InterruptedException e) {
      killTree(process);
      throw e;
    }
  }

  private static void killTree(Process process) {
    // Descendants first: once the parent is gone they are re-parented and can no longer be found.
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroyForcibly();
    descendants.forEach(ProcessHandle::destroyForcibly);
  }

  private static void closeQuietly(Process process) {
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // stdin of a process that exited at once; nothing to close
    }
  }

  /** Reads a stream to its end, keeping the first {@link #MAX_OUTPUT_BYTES}. */
  private static final class OutputGobbler implements Runnable {
    private final InputStream stream;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

    OutputGobbler(InputStream stream) {
      this.stream = stream;
    }

    @Override
    public void run() {
      byte[] buffer = new byte[8192];
      try (stream) {
        int read;
        while ((read = stream.read(buffer)) != -1) {
          synchronized (kept) {
            int room = MAX_OUTPUT_BYTES - kept.size();
            if (room > 0) {
              kept.write(buffer, 0, Math.min(room, read));
            }
          }
        }
      } catch (IOException e) {
        // The pipe closed under us (the process was killed); what was read so far is kept.
      }
    }

    String text() {
      synchronized (kept) {
        return kept.toString(StandardCharsets.UTF_8);
      }
    }
  }
}
