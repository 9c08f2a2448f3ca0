package dev.comfyagent.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM started the way a user starts one: {@code java [-javaagent:agent.jar[=options]] (-cp
 * ... main | -jar app.jar) args}, with the same JDK as the tests (so running the tests on another
 * JDK runs everything on it). Stderr always goes to a file; stdout goes to a file or stays a pipe
 * for a stdio MCP client.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * try (ChildJvm jvm = ChildJvm.java().agent("output.dir=" + dir).classPath(cp).main(Main.class.getName())
 *     .workDir(dir).start()) {
 *   int exit = jvm.waitFor(Duration.ofSeconds(60));
 * }
 * }</pre>
 */
public final class ChildJvm implements AutoCloseable {

  private final Process process;
  private final Path stderr;
  private final Path stdout;

  private ChildJvm(Process process, Path stderr, Path stdout) {
    this.process = process;
    this.stderr = stderr;
    this.stdout = stdout;
  }

  /** Starts describing a child JVM. */
  public static Builder java() {
    return new Builder();
  }

  /** The running process. */
  public Process process() {
    return process;
  }

  /** What the child wrote to stderr so far. */
  public String stderr() {
    return read(stderr);
  }

  /** What the child wrote to stdout so far, when it went to a file. */
  public String stdout() {
    if (stdout == null) {
      throw new IllegalStateException("stdout is a pipe for this child");
    }
    return read(stdout);
  }

  /**
   * Waits for the child to exit.
   *
   * @return its exit code
   * @throws AssertionError naming the child's stderr when it does not exit in time (it is killed)
   */
  public int waitFor(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
        throw new AssertionError(
            "child JVM did not exit within " + timeout + "; stderr:\n" + stderr());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Asks the child to stop (SIGTERM: shutdown hooks run) and waits for it. */
  public int terminate(Duration timeout) {
    process.destroy();
    return waitFor(timeout);
  }

  /** Kills the child at once (kill -9: no shutdown hook runs) and waits for it. */
  public void kill() {
    try {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Describes a child JVM. */
  public static final class Builder {
    private String agentOptions;
    private boolean withAgent;
    private Path agentJar;
    private final List<String> jvmArgs = new ArrayList<>();
    private String classPath;
    private String main;
    private Path jar;
    private final List<String> args = new ArrayList<>();
    private Path workDir;
    private boolean stdoutPipe;
    private final Map<String, String> environment = new LinkedHashMap<>();

    /** Attaches the packaged agent with these options ({@code null} or empty: none). */
    public Builder agent(String options) {
      this.withAgent = true;
      this.agentOptions = options;
      return this;
    }

    /** Uses another agent jar than the packaged one. */
    public Builder agentJar(Path jar) {
      this.agentJar = jar;
      return this;
    }

    /** Adds a JVM option. */
    public Builder jvmArg(String arg) {
      jvmArgs.add(arg);
      return this;
    }

    /** Runs {@code main} from {@code classPath}. */
    public Builder classPath(String classPath) {
      this.classPath = classPath;
      return this;
    }

    /** The main class to run. */
    public Builder main(String main) {
      this.main = main;
      return this;
    }

    /** Runs an executable jar instead of a main class. */
    public Builder jar(Path jar) {
      this.jar = jar;
      return this;
    }

    /** Program arguments. */
    public Builder args(String... values) {
      args.addAll(List.of(values));
      return this;
    }

    /** The working directory (and where stdout/stderr files go). */
    public Builder workDir(Path dir) {
      this.workDir = dir;
      return this;
    }

    /** Keeps stdout a pipe (for a stdio MCP client) instead of a file. */
    public Builder stdoutPipe() {
      this.stdoutPipe = true;
      return this;
    }

    /** Sets an environment variable of the child. */
    public Builder env(String name, String value) {
      environment.put(name, value);
      return this;
    }

    /** Starts the child. */
    public ChildJvm start() {
      if (workDir == null) {
        throw new IllegalStateException("workDir is required");
      }
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      if (withAgent) {
        Path agent = agentJar != null ? agentJar : PackagedJars.agentJar();
        command.add(
            "-javaagent:"
                + agent
                + (agentOptions == null || agentOptions.isEmpty() ? "" : "=" + agentOptions));
      }
      command.addAll(jvmArgs);
      if (jar != null) {
        command.add("-jar");
        command.add(jar.toString());
      } else if (main != null) {
        command.add("-cp");
        command.add(classPath);
        command.add(main);
      } // else: JVM options alone, such as -version
      command.addAll(args);
      Path stderrFile = workDir.resolve("stderr.txt");
      Path stdoutFile = stdoutPipe ? null : workDir.resolve("stdout.txt");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectError(stderrFile.toFile());
      if (stdoutFile != null) {
        builder.redirectOutput(stdoutFile.toFile());
      }
      builder.environment().keySet().removeIf(k -> k.startsWith("COMFYAGENT_"));
      builder.environment().putAll(environment);
      try {
        return new ChildJvm(builder.start(), stderrFile, stdoutFile);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start " + command, e);
      }
    }
  }
}
