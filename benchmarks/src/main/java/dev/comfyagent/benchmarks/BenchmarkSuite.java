package dev.comfyagent.benchmarks;

import dev.comfyagent.benchmarks.compare.MachineDescription;
import dev.comfyagent.benchmarks.overhead.AgentConfiguration;
import dev.comfyagent.benchmarks.overhead.AgentJars;
import dev.comfyagent.benchmarks.overhead.AgentOverheadBenchmark;
import dev.comfyagent.benchmarks.overhead.AgentRunReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every benchmark in one go: the runtime operations, then the agent overhead once per {@link
 * AgentConfiguration} (each in its own fork with that agent attached), all with the GC profiler,
 * and writes one JMH JSON file with a {@link MachineDescription} beside it.
 *
 * <p>Usage (from the repository root):
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.comfyagent.benchmarks.BenchmarkSuite
 * java -cp benchmarks/target/benchmarks.jar dev.comfyagent.benchmarks.BenchmarkSuite --smoke
 * java -cp ... BenchmarkSuite --result out.json -f 3 Search    # any JMH options and includes
 * </pre>
 *
 * <p>Options of its own, before any JMH option: {@code --smoke} (no warmup, one 100 ms iteration;
 * the runtime benchmarks in this JVM, each agent configuration in one fork; agent configurations
 * whose jar is not built are skipped), {@code --skip-missing-agents}, {@code --result FILE}
 * (default {@code target/jmh-results.json} next to the benchmarks jar). Everything else is JMH's
 * command line ({@code -f}, {@code -wi}, {@code -p}, include regexes...). Without {@code --smoke} a
 * missing agent jar stops the run before anything is measured, naming the jar and how to build it.
 *
 * <p>After each configuration with this project's agent, the agent's final metrics line ({@link
 * AgentRunReport}) must show it counted the tool's calls, traced exactly when tracing was on and
 * had no internal error; otherwise the run stops and says which, since the figures would describe
 * an agent that was not at work.
 *
 * <p>Exit status: 0 when every benchmark ran, 1 when one failed, 2 for bad options or a missing
 * agent.
 */
public final class BenchmarkSuite {

  private static final String OVERHEAD = AgentOverheadBenchmark.class.getName();

  /**
   * The overhead benchmark's methods, each run on its own for each configuration, so that the
   * agent's report of each is read apart (the paced one must have queued its traced calls).
   */
  private static final List<String> OVERHEAD_METHODS = List.of("toolCall", "queuedToolCall");

  private static final String PACED_METHOD = "queuedToolCall";

  private BenchmarkSuite() {}

  public static void main(String[] args) throws IOException {
    int status;
    try {
      status = run(args, AgentJars.nextToBenchmarks(), System.out, System.err);
    } catch (UsageException e) {
      System.err.println("BenchmarkSuite: " + e.getMessage());
      status = 2;
    }
    System.exit(status);
  }

  /**
   * Runs the suite.
   *
   * @return the exit status: 0 all ran, 1 a benchmark failed
   * @throws UsageException for bad options or a missing agent jar outside smoke mode
   */
  static int run(String[] args, AgentJars jars, PrintStream out, PrintStream err)
      throws IOException {
    Settings settings = Settings.parse(args, jars);
    List<String> overheadMethods =
        OVERHEAD_METHODS.stream().filter(m -> settings.includes(OVERHEAD + "." + m)).toList();
    boolean overheadSelected = !overheadMethods.isEmpty();
    List<AgentConfiguration> configurations = new ArrayList<>();
    // Agents are needed only when the overhead benchmark is selected.
    for (AgentConfiguration c :
        overheadSelected ? AgentConfiguration.values() : new AgentConfiguration[0]) {
      if (c == AgentConfiguration.NONE || c.jar(jars).isPresent()) {
        configurations.add(c);
      } else if (settings.skipMissingAgents) {
        err.println(
            "BenchmarkSuite: skipping "
                + c.id()
                + " ("
                + c.description()
                + "): no agent jar at "
                + c.expectedJarLocation(jars));
      } else {
        throw new UsageException(missingAgentMessage(c, jars));
      }
    }

    Path workDir = Files.createTempDirectory("comfyagent-bench-");
    List<RunResult> results = new ArrayList<>();
    try {
      // Everything but the overhead benchmark, in one JMH run (none selected is fine).
      ChainedOptionsBuilder runtime = settings.options(workDir.resolve("runtime.json"));
      runtime.exclude(Pattern.quote(OVERHEAD));
      if (settings.smoke) {
        // In this JVM: the data sets are generated once, not once per fork. The agent runs
        // below still fork, so the forked path is exercised too.
        runtime.forks(0);
      }
      results.addAll(runAllowingNone(runtime));
      // The overhead benchmark once per agent configuration, each fork with its agent.
      for (AgentConfiguration c : configurations) {
        for (String method : overheadMethods) {
          Collection<RunResult> run =
              runAllowingNone(overheadOptions(settings, c, method, jars, workDir));
          if (!run.isEmpty() && c.needsAgentJar()) {
            // Not in smoke mode: a 100 ms run without warm-up times an interpreted writer, which
            // falls behind even paced calls; the check is about figures, which smoke runs are not.
            boolean pacedCheck = PACED_METHOD.equals(method) && !settings.smoke;
            Optional<String> problem =
                checkAgentReport(c, pacedCheck, agentOutput(workDir, c, method), out);
            if (problem.isPresent()) {
              err.println("BenchmarkSuite: " + method + ": " + problem.get());
              return 1;
            }
          }
          results.addAll(run);
        }
      }
    } catch (RunnerException e) {
      err.println("BenchmarkSuite: a benchmark failed: " + e.getMessage());
      return 1;
    } finally {
      deleteRecursively(workDir);
    }

    Path resultDir = settings.result.toAbsolutePath().getParent();
    if (resultDir != null) { // null only for a root, which parse rejects as a directory
      Files.createDirectories(resultDir);
    }
    try (PrintStream json = new PrintStream(settings.result.toFile(), StandardCharsets.UTF_8)) {
      ResultFormatFactory.getInstance(ResultFormatType.JSON, json).writeOut(results);
    }
    MachineDescription.ofThisMachine().write(MachineDescription.besideResults(settings.result));
    out.println();
    out.println("All results (" + results.size() + " benchmarks):");
    ResultFormatFactory.getInstance(ResultFormatType.TEXT, out).writeOut(results);
    out.println("JMH results: " + settings.result.toAbsolutePath());
    out.println(
        "Machine:     " + MachineDescription.besideResults(settings.result).toAbsolutePath());
    return 0;
  }

  /**
   * Reads what this project's agent reported at the end of the configuration's forks and says why
   * its figures do not describe the agent at work, if they do not.
   */
  static Optional<String> checkAgentReport(AgentConfiguration c, Path agentOutput, PrintStream out)
      throws IOException {
    return checkAgentReport(c, false, agentOutput, out);
  }

  /** As above; {@code paced}: the run was {@link AgentOverheadBenchmark#queuedToolCall}. */
  static Optional<String> checkAgentReport(
      AgentConfiguration c, boolean paced, Path agentOutput, PrintStream out) throws IOException {
    Optional<AgentRunReport> report = AgentRunReport.read(agentOutput);
    if (report.isEmpty()) {
      return Optional.of(
          c.id()
              + ": the agent wrote no final metrics line to "
              + agentOutput.resolve(AgentRunReport.METRICS_FILE)
              + ", so nothing shows it observed the calls it was timed on");
    }
    out.println("Agent report, " + c.id() + ": " + report.get().summary());
    return report
        .get()
        .problem(c, paced)
        .map(p -> c.id() + ": " + p + "; its figures are not kept");
  }

  private static Path agentOutput(Path workDir, AgentConfiguration c, String method) {
    return workDir.resolve("agent-" + c.id() + "-" + method);
  }

  private static ChainedOptionsBuilder overheadOptions(
      Settings settings, AgentConfiguration c, String method, AgentJars jars, Path workDir)
      throws IOException {
    Path agentOutput = Files.createDirectories(agentOutput(workDir, c, method));
    ChainedOptionsBuilder overhead =
        settings.options(workDir.resolve("overhead-" + c.id() + "-" + method + ".json"));
    String benchmark = Pattern.quote(OVERHEAD + "." + method);
    overhead.include(benchmark + "$").exclude("^(?!" + benchmark + "$)").param("agent", c.id());
    List<String> jvmArgs = c.jvmArgs(c.jar(jars).orElse(Path.of("")), agentOutput);
    if (!jvmArgs.isEmpty()) {
      // Appended to the user's own -jvmArgsAppend, which a child option would otherwise replace.
      List<String> all = new ArrayList<>(settings.cli.getJvmArgsAppend().orElse(List.of()));
      all.addAll(jvmArgs);
      overhead.jvmArgsAppend(all.toArray(new String[0]));
    }
    return overhead;
  }

  private static Collection<RunResult> runAllowingNone(ChainedOptionsBuilder options)
      throws RunnerException {
    try {
      return new Runner(options.build()).run();
    } catch (NoBenchmarksException e) {
      return List.of();
    }
  }

  static String missingAgentMessage(AgentConfiguration c, AgentJars jars) {
    Path expected = c.expectedJarLocation(jars);
    String how =
        c.needsAgentJar()
            ? "build it (./mvnw -B -pl instrument-javaagent -am package) or pass -D"
                + AgentJars.AGENT_JAR_PROPERTY
                + "=<jar>"
            : "build the benchmarks module (it copies the agent from Maven Central) or pass -D"
                + AgentJars.OTEL_JAR_PROPERTY
                + "=<jar>";
    return "the "
        + c.id()
        + " configuration needs an agent jar with a Premain-Class at "
        + expected
        + "; "
        + how
        + ", or run with --skip-missing-agents";
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Bad options or a missing agent: the message says which and what to do. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  /** The suite's own options and the JMH command line they wrap. */
  private static final class Settings {
    boolean smoke;
    boolean skipMissingAgents;
    Path result;
    CommandLineOptions cli;

    static Settings parse(String[] args, AgentJars jars) {
      Settings s = new Settings();
      s.result = jars.benchmarksTarget().resolve("jmh-results.json");
      List<String> jmhArgs = new ArrayList<>();
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--smoke" -> {
            s.smoke = true;
            s.skipMissingAgents = true;
          }
          case "--skip-missing-agents" -> s.skipMissingAgents = true;
          case "--result" -> {
            if (i + 1 >= args.length) {
              throw new UsageException("--result needs a file name");
            }
            s.result = Path.of(args[++i]);
          }
          default -> jmhArgs.add(args[i]);
        }
      }
      if (Files.isDirectory(s.result)) {
        throw new UsageException(
            "--result " + s.result + " is a directory; name the JSON file to write");
      }
      try {
        s.cli = new CommandLineOptions(jmhArgs.toArray(new String[0]));
      } catch (CommandLineOptionException e) {
        throw new UsageException("bad JMH option: " + e.getMessage());
      }
      return s;
    }

    /** Whether the user's include patterns (none: everything) select {@code benchmark}. */
    boolean includes(String benchmark) {
      List<String> includes = cli.getIncludes();
      return includes.isEmpty()
          || includes.stream().anyMatch(p -> Pattern.compile(p).matcher(benchmark).find());
    }

    /** Options for one sub-run: the user's, the GC profiler, smoke settings, a result file. */
    ChainedOptionsBuilder options(Path subRunResult) {
      ChainedOptionsBuilder b = new OptionsBuilder().parent(cli);
      boolean hasGc =
          cli.getProfilers().stream()
              .anyMatch(p -> p.getKlass().toLowerCase(java.util.Locale.ROOT).contains("gc"));
      if (!hasGc) {
        b.addProfiler(GCProfiler.class);
      }
      if (smoke) {
        b.forks(1)
            .warmupIterations(0)
            .measurementIterations(1)
            .measurementTime(TimeValue.milliseconds(100))
            .warmupTime(TimeValue.milliseconds(100));
      }
      b.shouldFailOnError(cli.shouldFailOnError().orElse(true));
      b.resultFormat(ResultFormatType.JSON).result(subRunResult.toString());
      return b;
    }
  }
}
