package dev.comfyagent.delivery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child process run to completion for a test: command, working directory and extra environment
 * in, exit code and both output streams out.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * CommandRun.Result git = CommandRun.run(dir, Map.of(), Duration.ofMinutes(1), List.of("git", "status"));
 * assertThat(git.exitCode()).as(git.describe()).isZero();
 * }</pre>
 *
 * <p>Output goes to files, not pipes, so a chatty child can never block on a full pipe. The timeout
 * is a hang guard only: a child still running then is killed and the run fails. Stateless; safe
 * from any thread.
 */
public final class CommandRun {

  /** How a run ended. */
  public record Result(List<String> command, int exitCode, String stdout, String stderr) {

    /** The command, exit code and output, for assertion messages. */
    public String describe() {
      return String.join(" ", command)
          + " exited "
          + exitCode
          + "\n--- stdout ---\n"
          + stdout
          + "\n--- stderr ---\n"
          + stderr;
    }
  }

  private CommandRun() {}

  /**
   * Runs {@code command} in {@code directory} with {@code environment} added to this JVM's.
   *
   * @throws IllegalStateException when the command outlives {@code timeout}
   * @throws UncheckedIOException when the command cannot be started
   */
  public static Result run(
      Path directory, Map<String, String> environment, Duration timeout, List<String> command) {
    try {
      Path out = Files.createTempFile("command-", ".out");
      Path err = Files.createTempFile("command-", ".err");
      try {
        ProcessBuilder builder =
            new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly();
          throw new IllegalStateException(
              String.join(" ", command) + " did not finish within " + timeout);
        }
        return new Result(
            List.copyOf(command),
            process.exitValue(),
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command, e);
    }
  }

  /** Whether an executable of that name is on PATH (with Windows' extensions tried). */
  public static boolean onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    List<String> suffixes = isWindows() ? List.of(".exe", ".cmd", ".bat", "") : List.of("");
    for (String entry : path.split(java.io.File.pathSeparator)) {
      for (String suffix : suffixes) {
        if (!entry.isBlank() && Files.isExecutable(Path.of(entry, name + suffix))) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether this JVM runs on Windows, where npm and npx are {@code .cmd} scripts. */
  public static boolean isWindows() {
    return System.getProperty("os.name", "")
        .toLowerCase(java.util.Locale.ROOT)
        .startsWith("windows");
  }

  private static java.io.File nullDevice() {
    return new java.io.File(isWindows() ? "NUL" : "/dev/null");
  }
}
