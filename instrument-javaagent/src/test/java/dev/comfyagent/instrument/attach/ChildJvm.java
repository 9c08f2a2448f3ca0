package dev.comfyagent.instrument.attach;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A JVM started for a test, running {@link WaitsOnStdin}, stopped by closing its stdin. */
final class ChildJvm implements AutoCloseable {

  private final Process process;
  private final BufferedReader stdout;
  private final StreamCollector stderr;

  private ChildJvm(Process process) {
    this.process = process;
    this.stdout =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.stderr = new StreamCollector(process.getErrorStream());
  }

  /** Starts a JVM with the given JVM flags and class path and waits for it to say "ready". */
  static ChildJvm start(List<Path> classPath, String... jvmFlags) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(java());
    command.addAll(List.of(jvmFlags));
    command.add("-cp");
    command.add(
        String.join(java.io.File.pathSeparator, classPath.stream().map(Path::toString).toList()));
    command.add(WaitsOnStdin.class.getName());
    ChildJvm child = new ChildJvm(new ProcessBuilder(command).start());
    String first = child.stdout.readLine();
    if (!"ready".equals(first)) {
      child.close();
      throw new IllegalStateException("child JVM did not start: " + first + " " + child.stderr());
    }
    return child;
  }

  /** Starts a JVM running only this test's classes. */
  static ChildJvm start(String... jvmFlags) throws IOException {
    return start(List.of(TestJars.testClasses()), jvmFlags);
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  long pid() {
    return process.pid();
  }

  /** Closes stdin, waits for the exit, and returns everything printed on stdout after "ready". */
  String stopAndReadStdout() throws IOException, InterruptedException {
    process.getOutputStream().close();
    String rest = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor(30, TimeUnit.SECONDS);
    return rest;
  }

  /** Everything printed on stderr; waits for the process to end. */
  String stderr() {
    try {
      process.getOutputStream().close();
      return stderr.await();
    } catch (IOException | InterruptedException | RuntimeException e) {
      return "(stderr unavailable: " + e + ")";
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
