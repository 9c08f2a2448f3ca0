package dev.comfyagent.demo;

import dev.comfyagent.simulator.ComfyUiSimulator;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The README's first command: a scripted MCP session a newcomer can watch without a GPU.
 *
 * <p>It starts the ComfyUI <em>simulator</em> (it answers with ComfyUI's real shapes and renders
 * placeholder images; real ComfyUI is what docker-compose starts), launches the packaged runtime
 * jar as an MCP stdio server with the packaged agent attached, drives it with the MCP Java SDK
 * client step by step, and ends with where the logs, metrics and traces are, and the agent's HTML
 * report of the session ({@code <out>/report.html}).
 *
 * <p>Usage: {@code java -jar demo/target/comfy-agent-demo.jar [--no-agent] [--out DIR]
 * [--step-delay-ms N]}
 */
public final class DemoMain {

  private static final String WORKFLOW = "sdxl-base-refiner.json";

  private DemoMain() {}

  public static void main(String[] args) {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    int status;
    try {
      status = run(args, out);
    } catch (IllegalArgumentException | IllegalStateException e) {
      System.err.println("demo: " + e.getMessage());
      status = 2;
    } catch (IOException e) {
      System.err.println("demo: " + e);
      status = 1;
    }
    System.exit(status);
  }

  static int run(String[] args, PrintStream out) throws IOException {
    Options options = Options.parse(args);
    if (options.help) {
      out.println(
          "usage: java -jar demo/target/comfy-agent-demo.jar [--no-agent] [--out DIR]"
              + " [--step-delay-ms N]");
      return 0;
    }
    ProjectJars jars = ProjectJars.locate(Path.of(""));
    Path runtimeJar = jars.runtime();
    Optional<Path> agentJar = options.noAgent ? Optional.empty() : jars.agent();

    Path outDir = options.out.toAbsolutePath().normalize();
    Path workflows = outDir.resolve("workflows");
    Path sessions = outDir.resolve("sessions");
    Path logs = outDir.resolve("logs");
    for (Path dir : List.of(workflows, sessions, logs)) {
      Files.createDirectories(dir);
    }
    copyResource(WORKFLOW, workflows.resolve(WORKFLOW));

    Narrator narrator = new Narrator(out);
    narrator.banner("comfy-agent demo");
    try (ComfyUiSimulator simulator =
        ComfyUiSimulator.builder()
            .host("127.0.0.1")
            .port(0)
            .stepDelay(Duration.ofMillis(options.stepDelayMs))
            .start()) {
      narrator.fact(
          "ComfyUI SIMULATOR on "
              + simulator.host()
              + ":"
              + simulator.port()
              + " (real ComfyUI response shapes, placeholder images; not ComfyUI)");

      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      agentJar.ifPresent(
          agent ->
              command.add(
                  "-javaagent:"
                      + agent
                      + "=output.dir="
                      + logs
                      + ",metrics.interval=5s,gpu=comfyui"));
      command.add("-jar");
      command.add(runtimeJar.toString());
      command.add("serve");

      Map<String, String> env = new LinkedHashMap<>();
      env.put("COMFYUI_HOST", simulator.host());
      env.put("COMFYUI_PORT", Integer.toString(simulator.port()));
      env.put("WORKFLOWS_DIR", workflows.toString());
      env.put("SESSIONS_DIR", sessions.toString());
      env.put("LOG_DIR", logs.toString());

      narrator.fact("runtime: " + String.join(" ", command));
      if (agentJar.isEmpty()) {
        narrator.fact(
            options.noAgent
                ? "agent: not attached (--no-agent)"
                : "agent: not attached (instrument-javaagent/target has no jar)");
      }
      Path serverStderr = outDir.resolve("runtime-stderr.log");
      new DemoSession(narrator, command, env, serverStderr, agentJar.isPresent()).run(WORKFLOW);

      narrator.banner("where to look");
      narrator.fact("runtime log (JSON lines):  " + logs.resolve("runtime.log"));
      narrator.fact("runtime stderr:            " + serverStderr);
      narrator.fact("saved session:             " + sessions.resolve("demo.json"));
      if (agentJar.isPresent()) {
        narrator.fact("agent metrics (JSON lines): " + logs.resolve("metrics.jsonl"));
        narrator.fact("agent traces (JSON lines):  " + logs.resolve("traces.jsonl"));
        narrator.lastLine("last trace line", logs.resolve("traces.jsonl"));
        narrator.lastLine("last metrics line", logs.resolve("metrics.jsonl"));
        writeReport(narrator, agentJar.get(), logs, outDir.resolve("report.html"));
      }
      return narrator.failures() == 0 ? 0 : 1;
    }
  }

  /**
   * The agent jar's {@code report} command over the run's logs: one HTML page of plots. A report
   * that cannot be written is said and counted, the demo's other output stands.
   */
  private static void writeReport(Narrator narrator, Path agentJar, Path logs, Path page) {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar",
            agentJar.toString(),
            "report",
            logs.toString(),
            "-o",
            page.toString());
    try {
      Process report = new ProcessBuilder(command).redirectErrorStream(true).start();
      String said = new String(report.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!report.waitFor(2, java.util.concurrent.TimeUnit.MINUTES) || report.exitValue() != 0) {
        report.destroyForcibly();
        narrator.unexpected("the report command failed: " + said.strip());
        return;
      }
      narrator.fact("report (open in a browser): " + page);
    } catch (IOException e) {
      narrator.unexpected("the report command could not run: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      narrator.unexpected("interrupted while writing the report");
    }
  }

  private static void copyResource(String name, Path to) throws IOException {
    try (InputStream in = DemoMain.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("demo resource " + name + " is missing from the jar");
      }
      Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Command-line options of the demo. */
  static final class Options {
    boolean help;
    boolean noAgent;
    Path out = Path.of("demo-run");
    long stepDelayMs = 120;

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "-h", "--help" -> o.help = true;
          case "--no-agent" -> o.noAgent = true;
          case "--out" -> o.out = Path.of(value(args, ++i, "--out"));
          case "--step-delay-ms" -> {
            String v = value(args, ++i, "--step-delay-ms");
            try {
              o.stepDelayMs = Long.parseLong(v);
            } catch (NumberFormatException e) {
              throw new IllegalArgumentException("--step-delay-ms needs a number, got " + v);
            }
            if (o.stepDelayMs < 0 || o.stepDelayMs > 10_000) {
              throw new IllegalArgumentException(
                  "--step-delay-ms must be between 0 and 10000, got " + v);
            }
          }
          default ->
              throw new IllegalArgumentException("unknown option " + args[i] + " (try --help)");
        }
      }
      return o;
    }

    private static String value(String[] args, int i, String name) {
      if (i >= args.length) {
        throw new IllegalArgumentException(name + " needs a value");
      }
      return args[i];
    }
  }
}
