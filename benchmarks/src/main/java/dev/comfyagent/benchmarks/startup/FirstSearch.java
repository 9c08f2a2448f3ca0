package dev.comfyagent.benchmarks.startup;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * What {@code --first-search} runs the subject against: a ComfyUI install directory holding
 * ComfyUI-Manager's map where the Manager keeps it, and a ComfyUI to ask for {@code /object_info}
 * (the simulator, started here and stopped by {@link #close()}, or one already running).
 */
final class FirstSearch implements AutoCloseable {
  private static final String BENCHMARK_DATA = "dev.comfyagent.benchmarks.data.BenchmarkData";

  final Path comfyUiPath;
  final String host;
  final int port;
  private final Process simulator;

  private FirstSearch(Path comfyUiPath, String host, int port, Process simulator) {
    this.comfyUiPath = comfyUiPath;
    this.host = host;
    this.port = port;
    this.simulator = simulator;
  }

  static FirstSearch prepare(StartupSettings settings, Path workDir, PrintStream err)
      throws IOException, InterruptedException {
    Path comfyUi = workDir.resolve("ComfyUI");
    // Where ComfyUI-Manager 2.x and its repository keep the map (ManagerNodeMap looks there).
    Path manager = Files.createDirectories(comfyUi.resolve("custom_nodes/ComfyUI-Manager"));
    Path map = manager.resolve("extension-node-map.json");
    if (settings.managerMap != null) {
      Files.copy(settings.managerMap, map);
    } else {
      Files.writeString(map, generatedManagerMap(), StandardCharsets.UTF_8);
    }
    err.printf(
        Locale.ROOT,
        "StartupBenchmark: COMFYUI_PATH=%s (extension-node-map.json, %.1f MB)%n",
        comfyUi,
        Files.size(map) / 1e6);
    if (settings.comfyUiUrl != null) {
      String[] hostPort = hostAndPort(settings.comfyUiUrl);
      return new FirstSearch(comfyUi, hostPort[0], Integer.parseInt(hostPort[1]), null);
    }
    return startSimulator(settings, comfyUi, workDir.resolve("simulator-stderr.txt"), err);
  }

  /** The benchmarks' generated map (40,000 node types), when their jar is on the class path. */
  private static String generatedManagerMap() {
    try {
      return (String) Class.forName(BENCHMARK_DATA).getMethod("extensionNodeMapText").invoke(null);
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new IllegalArgumentException(
          "--first-search without --manager-map generates ComfyUI-Manager's map with "
              + BENCHMARK_DATA
              + ", which is not on the class path ("
              + e
              + "): run from benchmarks/target/benchmarks.jar or pass --manager-map FILE");
    }
  }

  private static FirstSearch startSimulator(
      StartupSettings settings, Path comfyUi, Path stderr, PrintStream err)
      throws IOException, InterruptedException {
    ProcessBuilder builder =
        new ProcessBuilder(
            settings.java,
            "-jar",
            settings.simulatorJar.toString(),
            "--port",
            "0",
            "--step-delay-ms",
            "1");
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    builder.environment().remove("JDK_JAVA_OPTIONS");
    builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.redirectError(stderr.toFile());
    Process process = builder.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.timeoutSeconds);
    while (System.nanoTime() < deadline && process.isAlive()) {
      var listening =
          StartupBenchmark.LISTENING.matcher(Files.readString(stderr, StandardCharsets.UTF_8));
      if (listening.find()) {
        err.println(
            "StartupBenchmark: ComfyUI simulator at http://"
                + listening.group(1)
                + ":"
                + listening.group(2));
        return new FirstSearch(
            comfyUi, listening.group(1), Integer.parseInt(listening.group(2)), process);
      }
      Thread.sleep(50);
    }
    process.destroyForcibly().waitFor();
    throw new StartupBenchmark.RunFailedException(
        "the ComfyUI simulator "
            + settings.simulatorJar
            + " did not say where it listens; its stderr ends: "
            + StartupBenchmark.tail(stderr));
  }

  /** {@code [host, port]} of an {@code http://host:port} URL. */
  static String[] hostAndPort(String url) {
    var m = Pattern.compile("^http://([^:/\\s]+):(\\d{1,5})/?$").matcher(url.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "--comfyui-url needs http://host:port (as ComfyUI serves it), got " + url);
    }
    return new String[] {m.group(1), m.group(2)};
  }

  @Override
  public void close() {
    if (simulator == null) {
      return;
    }
    simulator.destroy();
    try {
      if (!simulator.waitFor(10, TimeUnit.SECONDS)) {
        simulator.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      simulator.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
