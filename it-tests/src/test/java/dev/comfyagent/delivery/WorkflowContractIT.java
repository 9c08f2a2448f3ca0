package dev.comfyagent.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workflows name what the build makes: every project path, jar and main class that a {@code
 * run:} step of {@code ci.yml} or {@code release.yml} names exists once the project is packaged
 * (modules after {@code -pl}, files under the project's own folders, each main class in the jar its
 * {@code java} command runs), and the benchmark comparison step of {@code ci.yml} runs, as written,
 * on the output of the build's benchmark smoke pass.
 *
 * <p>GitHub never runs these workflows before they are merged, and a path that drifted (a folder
 * handed to a tool that wants a file, a jar renamed by a build change) fails only there. Paths
 * under the root's {@code target/} are what earlier steps write, and are not looked for;
 * expressions the test cannot know ({@code matrix.*}, secrets) leave their words unchecked.
 */
class WorkflowContractIT {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)}?");
  private static final Pattern EXPRESSION = Pattern.compile("\\$\\{\\{\\s*([^}]*?)\\s*}}");
  private static final Pattern MAIN_CLASS =
      Pattern.compile("dev\\.comfyagent(?:\\.[a-z0-9_]+)+\\.[A-Z][A-Za-z0-9_]*");
  private static final Pattern PATH_WORD = Pattern.compile("[A-Za-z0-9_.][A-Za-z0-9_.*/-]*");

  /** Options whose value a step writes, never reads. */
  private static final Set<String> OUTPUT_OPTIONS =
      Set.of("--result", "-rff", "--out", "-o", "--markdown", ">", ">>");

  /** Shell words that may stand before the command of a simple command. */
  private static final Set<String> BEFORE_COMMAND =
      Set.of("then", "do", "else", "!", "time", "if", "while", "until", "exec");

  private static final Path ROOT = ProjectTree.root();
  private static final String VERSION = System.getProperty("comfyagent.it.projectVersion");

  /** One run: step with the environment it sees. */
  record RunStep(String where, String script, Map<String, String> env) {}

  @Test
  void everyProjectPathJarAndMainClassOfARunStepExistsAfterPackage() throws IOException {
    List<String> problems = new ArrayList<>();
    List<String> checked = new ArrayList<>();
    for (RunStep step : runSteps()) {
      for (String line : logicalLines(step.script())) {
        checkLine(step, expand(line, step.env()), problems, checked);
      }
    }
    assertThat(checked)
        .as("the checks found the project's names in the workflows")
        .contains(
            "module benchmarks",
            "file benchmarks/target/benchmarks.jar",
            "class dev.comfyagent.benchmarks.compare.BaselineComparator",
            "file demo/target/comfy-agent-demo.jar",
            "command scripts/check-reproducible");
    assertThat(problems).as("names in the workflows that the build does not make").isEmpty();
  }

  @Test
  void benchmarkComparisonStepRunsOnTheSmokePassOutput(@TempDir Path sandbox) throws IOException {
    assumeTrue(CommandRun.onPath("bash"), "bash is not installed (on Windows: Git for Windows)");
    Path smoke = ROOT.resolve("benchmarks/target/smoke/jmh-results.json");
    assertThat(smoke)
        .as("the benchmark smoke pass's results (benchmarks module, integration-test phase)")
        .isRegularFile();
    RunStep step =
        runSteps().stream()
            .filter(s -> s.where().startsWith("ci.yml"))
            .filter(s -> expand(s.script(), s.env()).contains("compare.BaselineComparator"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("ci.yml has no step running the comparator"));

    // The job's outputs (paths under the root's target/) go to the sandbox; every JMH result the
    // step reads that no earlier step of this run made is the smoke pass's.
    Map<String, String> env = new LinkedHashMap<>();
    step.env().forEach((k, v) -> env.put(k, v.startsWith("target/") ? sandboxed(sandbox, v) : v));
    Path summary = sandbox.resolve("step-summary.md");
    env.put("GITHUB_STEP_SUMMARY", summary.toString());
    env.put("GITHUB_ACTIONS", "true");
    env.put("PATH", javaBin() + java.io.File.pathSeparator + System.getenv("PATH"));
    List<Path> placed = new ArrayList<>();
    Matcher json = Pattern.compile("[A-Za-z0-9_./*${}\"-]+\\.json").matcher(step.script());
    while (json.find()) {
      String word = expand(json.group().replace("\"", ""), env);
      if (word.contains("$")) {
        continue;
      }
      Path file = resolve(word.replace("*", "smoke"));
      if (!Files.exists(file) && !isCommitted(word)) {
        Files.createDirectories(file.getParent());
        Files.copy(smoke, file);
        placed.add(file);
      }
    }
    assertThat(placed).as("result files the comparison step reads").isNotEmpty();

    CommandRun.Result run;
    try {
      run =
          CommandRun.run(
              ROOT,
              env,
              Duration.ofMinutes(2),
              List.of("bash", "-e", "-o", "pipefail", "-c", step.script()));
    } finally {
      for (Path file : placed) {
        Files.deleteIfExists(file);
      }
    }

    assertThat(run.exitCode()).as(step.where() + "\n" + run.describe()).isZero();
    assertThat(run.stdout()).contains("numbers compared: 0 regressions");
    assertThat(summary).as("the Markdown table in $GITHUB_STEP_SUMMARY").isRegularFile();
    assertThat(Files.readString(summary, StandardCharsets.UTF_8))
        .contains("| Benchmark | Params | Metric | Unit | Base | Head | Change | |")
        .contains("WorkflowParseBenchmark.");
  }

  /**
   * The startup check of {@code ci.yml} warns and lets the job pass when a goal against
   * OpenTelemetry is missed ({@code StartupBenchmark --check} exits 3), and fails the job when the
   * benchmark itself broke: run as written, with a {@code java} on the path that prints what the
   * benchmark prints and exits with each status.
   */
  @Test
  void startupCheckStepWarnsOnAMissedGoalAndFailsOnlyWhenTheBenchmarkBreaks(@TempDir Path sandbox)
      throws IOException {
    assumeTrue(CommandRun.onPath("bash"), "bash is not installed (on Windows: Git for Windows)");
    RunStep step =
        runSteps().stream()
            .filter(s -> s.where().startsWith("ci.yml"))
            .filter(s -> s.script().contains("startup.StartupBenchmark --check"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("ci.yml has no step running the startup check"));
    Path bin = Files.createDirectories(sandbox.resolve("bin"));
    Path fakeJava = bin.resolve("java");
    Files.writeString(
        fakeJava,
        "#!/usr/bin/env bash\n"
            + "echo 'Startup penalty: this agent +400 ms, OpenTelemetry +3200 ms: 0.125 of"
            + " OpenTelemetry'\\''s'\n"
            + "echo 'Check: startup penalty 0.125 of OpenTelemetry'\\''s (+400 ms vs +3200 ms),"
            + " goal at most 0.100: MISSED'\n"
            + "echo 'Check: peak RSS at the first tools/list +20.0 MiB, goal at most +25.0 MiB:"
            + " met'\n"
            + "exit \"$FAKE_STATUS\"\n");
    assumeTrue(fakeJava.toFile().setExecutable(true), "cannot make a script executable here");

    Map<Integer, Integer> exitByStatus = new LinkedHashMap<>();
    for (int status : new int[] {0, 3, 1}) {
      Map<String, String> env = new LinkedHashMap<>();
      step.env().forEach((k, v) -> env.put(k, v.startsWith("target/") ? sandboxed(sandbox, v) : v));
      env.put("PATH", bin + java.io.File.pathSeparator + System.getenv("PATH"));
      env.put("FAKE_STATUS", String.valueOf(status));
      CommandRun.Result run =
          CommandRun.run(
              ROOT, env, Duration.ofMinutes(1), List.of("bash", "-e", "-c", step.script()));
      exitByStatus.put(status, run.exitCode());
      if (status == 3) {
        assertThat(run.stdout())
            .as(run.describe())
            .contains("::warning title=Startup vs OpenTelemetry::Check: startup penalty 0.125")
            .doesNotContain("::warning title=Startup vs OpenTelemetry::Check: peak RSS");
      } else {
        assertThat(run.stdout()).as(run.describe()).doesNotContain("::warning");
      }
    }
    assertThat(exitByStatus).containsExactly(Map.entry(0, 0), Map.entry(3, 0), Map.entry(1, 1));
  }

  /**
   * The TypeScript-client step of {@code ci.yml} warns and lets the job pass when what an agent
   * adds at p50 misses its goal ({@code roundtrip.mjs --check} exits 3), and fails the job when its
   * tests or its run break: run as written, with an {@code npm} and a {@code node} on the path that
   * stand for them (the real ones are the step's own, run by {@code npm test} in CI).
   */
  @Test
  void typeScriptClientStepWarnsOnAMissedGoalAndFailsWhenItsTestsOrItsRunBreak(
      @TempDir Path sandbox) throws IOException {
    assumeTrue(CommandRun.onPath("bash"), "bash is not installed (on Windows: Git for Windows)");
    RunStep step =
        runSteps().stream()
            .filter(s -> s.where().startsWith("ci.yml"))
            .filter(s -> s.script().contains("benchmarks/ts-client/roundtrip.mjs --check"))
            .findFirst()
            .orElseThrow(
                () -> new AssertionError("ci.yml has no step running the TypeScript client"));
    assertThat(step.env()).containsEntry("ROUNDTRIP_REQUIRE_JARS", "1");
    Path bin = Files.createDirectories(sandbox.resolve("bin"));
    Path fakeNpm = bin.resolve("npm");
    Files.writeString(fakeNpm, "#!/usr/bin/env bash\nexit \"$FAKE_NPM_STATUS\"\n");
    Path fakeNode = bin.resolve("node");
    Files.writeString(
        fakeNode,
        "#!/usr/bin/env bash\n"
            + "echo 'Check: trace-off adds +1.0 us (+0.2%) at p50, goal at most +2%: met'\n"
            + "echo 'Check: trace-on adds +12.0 us (+2.7%) at p50, goal at most +2%: MISSED'\n"
            + "exit \"$FAKE_STATUS\"\n");
    assumeTrue(
        fakeNpm.toFile().setExecutable(true) && fakeNode.toFile().setExecutable(true),
        "cannot make a script executable here");

    // npm's status, the run's status -> the step's status.
    Map<String, Integer> exitByStatuses = new LinkedHashMap<>();
    for (int[] statuses : new int[][] {{0, 0}, {0, 3}, {0, 1}, {1, 0}}) {
      Map<String, String> env = new LinkedHashMap<>();
      step.env().forEach((k, v) -> env.put(k, v.startsWith("target/") ? sandboxed(sandbox, v) : v));
      env.put("PATH", bin + java.io.File.pathSeparator + System.getenv("PATH"));
      env.put("FAKE_NPM_STATUS", String.valueOf(statuses[0]));
      env.put("FAKE_STATUS", String.valueOf(statuses[1]));
      CommandRun.Result run =
          CommandRun.run(
              ROOT, env, Duration.ofMinutes(1), List.of("bash", "-e", "-c", step.script()));
      exitByStatuses.put(statuses[0] + "," + statuses[1], run.exitCode());
      if (statuses[1] == 3) {
        assertThat(run.stdout())
            .as(run.describe())
            .contains("::warning title=Whole call, TypeScript MCP client::Check: trace-on adds")
            .doesNotContain("::warning title=Whole call, TypeScript MCP client::Check: trace-off");
      } else {
        assertThat(run.stdout()).as(run.describe()).doesNotContain("::warning");
      }
    }
    assertThat(exitByStatuses)
        .containsExactly(
            Map.entry("0,0", 0), Map.entry("0,3", 0), Map.entry("0,1", 1), Map.entry("1,0", 1));
  }

  private static void checkLine(
      RunStep step, String line, List<String> problems, List<String> checked) throws IOException {
    for (String command : commandWords(line)) {
      if (isProjectPath(command) && !matches(command).isEmpty()) {
        checked.add("command " + command);
        if (!isCommittedExecutable(command)) {
          problems.add(
              step.where()
                  + ": "
                  + command
                  + " is run as a command but is not committed executable (git update-index"
                  + " --chmod=+x)");
        }
      }
    }
    List<String> words = words(line);
    // The jar a java command on this line runs: empty when there is none, null when its name is
    // a variable the test cannot know (a loop's), in which case its classes are not checked.
    Optional<Path> jarOfCommand = Optional.empty();
    for (int i = 0; i < words.size(); i++) {
      String word = words.get(i);
      String previous = i > 0 ? words.get(i - 1) : "";
      if (previous.equals("-cp") || previous.equals("-jar")) {
        jarOfCommand = word.contains("$") ? null : Optional.of(resolve(word));
      }
      if (word.contains("$") || OUTPUT_OPTIONS.contains(previous) || word.startsWith("-D")) {
        continue;
      }
      if (previous.equals("-pl")) {
        for (String module : word.split(",")) {
          checked.add("module " + module);
          if (!Files.isRegularFile(ROOT.resolve(module).resolve("pom.xml"))) {
            problems.add(step.where() + ": -pl names " + module + ", which is not a module");
          }
        }
      } else if (MAIN_CLASS.matcher(word).matches() && jarOfCommand != null) {
        checked.add("class " + word);
        checkMainClass(step, word, jarOfCommand, problems);
      } else if (isProjectPath(word)) {
        checked.add("file " + word);
        if (matches(word).isEmpty()) {
          problems.add(step.where() + ": " + word + " does not exist after package");
        } else if (previous.equals("-jar") && !hasMainClass(matches(word).get(0))) {
          problems.add(step.where() + ": " + word + " is run with -jar but has no Main-Class");
        }
      }
    }
  }

  private static void checkMainClass(
      RunStep step, String className, Optional<Path> jar, List<String> problems)
      throws IOException {
    String entry = className.replace('.', '/') + ".class";
    if (jar.isEmpty() || !Files.isRegularFile(jar.get())) {
      problems.add(step.where() + ": " + className + " is run from no jar that exists");
      return;
    }
    try (JarFile file = new JarFile(jar.get().toFile())) {
      if (file.getEntry(entry) == null) {
        problems.add(step.where() + ": " + className + " is not in " + ROOT.relativize(jar.get()));
      }
    }
  }

  /**
   * Whether git's index holds {@code word} as an executable file (mode 100755). The index, not the
   * file system, is what a runner's checkout gets, and it says the same on Windows.
   */
  private static boolean isCommittedExecutable(String word) throws IOException {
    CommandRun.Result run =
        CommandRun.run(
            ROOT,
            Map.of(),
            Duration.ofSeconds(30),
            List.of("git", "ls-files", "--stage", "--", word.replaceFirst("^\\./", "")));
    return run.exitCode() == 0 && run.stdout().startsWith("100755 ");
  }

  private static boolean hasMainClass(Path jar) throws IOException {
    try (JarFile file = new JarFile(jar.toFile())) {
      return file.getManifest() != null
          && file.getManifest().getMainAttributes().getValue("Main-Class") != null;
    }
  }

  /** A word naming something under one of the project's committed top-level folders. */
  private static boolean isProjectPath(String word) {
    if (!word.contains("/") || !PATH_WORD.matcher(word).matches()) {
      return false;
    }
    String first = word.replaceFirst("^\\./", "").split("/", 2)[0];
    return !first.equals("target") && isCommitted(first);
  }

  private static boolean isCommitted(String path) {
    if (Path.of(path.replace("*", "x")).isAbsolute() || path.startsWith("/")) {
      return false;
    }
    String first = path.replaceFirst("^\\./", "").split("/", 2)[0];
    return !first.isEmpty()
        && !first.contains("*")
        && Files.exists(ROOT.resolve(first))
        && !first.equals("target");
  }

  private static List<Path> matches(String word) throws IOException {
    String relative = word.replaceFirst("^\\./", "");
    if (!relative.contains("*")) {
      Path path = ROOT.resolve(relative);
      return Files.exists(path) ? List.of(path) : List.of();
    }
    PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + relative);
    String base = relative.substring(0, relative.indexOf('*'));
    Path start = ROOT.resolve(base.contains("/") ? base.substring(0, base.lastIndexOf('/')) : ".");
    if (!Files.isDirectory(start)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(start, 3)) {
      return files.filter(f -> glob.matches(ROOT.relativize(f))).toList();
    }
  }

  private static Path resolve(String word) {
    Path path = Path.of(word);
    return path.isAbsolute() ? path : ROOT.resolve(word.replaceFirst("^\\./", ""));
  }

  private static String sandboxed(Path sandbox, String value) {
    return sandbox.resolve(value).toString().replace('\\', '/');
  }

  private static Path javaBin() {
    return Path.of(System.getProperty("java.home"), "bin");
  }

  /** Words of a shell line: split on blanks and shell punctuation, quotes dropped. */
  /**
   * The command word of each simple command on the line: after a separator ({@code ;}, {@code &&},
   * {@code ||}, {@code |}, parentheses), past variable assignments and keywords such as {@code
   * then}.
   */
  private static List<String> commandWords(String line) {
    List<String> commands = new ArrayList<>();
    // Quoted text is an argument, never a separator: "a; b" must not start a command b.
    String unquoted = line.replaceAll("\"[^\"]*\"|'[^']*'", "ARGUMENT");
    for (String part : unquoted.split("&&|\\|\\||[;|()]")) {
      for (String word : part.strip().split("\\s+")) {
        if (word.isEmpty()
            || BEFORE_COMMAND.contains(word)
            || word.matches("[A-Za-z_][A-Za-z0-9_]*=.*")) {
          continue;
        }
        commands.add(word);
        break;
      }
    }
    return commands;
  }

  private static List<String> words(String line) {
    List<String> words = new ArrayList<>();
    for (String word : line.split("[\\s;|&()\"'`]+")) {
      String w = word.replaceFirst("^[A-Za-z_]+=", "");
      if (!w.isEmpty()) {
        words.add(w);
      }
    }
    return words;
  }

  /** The script's lines with backslash continuations joined and comments dropped. */
  private static List<String> logicalLines(String script) {
    List<String> lines = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String raw : script.split("\\R")) {
      String line = raw.strip();
      if (line.startsWith("#")) {
        continue;
      }
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      current.append(line);
      lines.add(current.toString());
      current.setLength(0);
    }
    if (!current.isEmpty()) {
      lines.add(current.toString());
    }
    return lines;
  }

  /** Variables replaced by their values where known; unknown ones are left as written. */
  private static String expand(String text, Map<String, String> env) {
    String result = text;
    for (int round = 0; round < 3; round++) {
      Matcher m = VARIABLE.matcher(result);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        String value = env.get(m.group(1));
        m.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : m.group()));
      }
      m.appendTail(out);
      result = out.toString();
    }
    return result;
  }

  /** Every run: step of both workflows with the workflow's, job's and step's environment. */
  static List<RunStep> runSteps() throws IOException {
    List<RunStep> steps = new ArrayList<>();
    for (String name : List.of("ci.yml", "release.yml")) {
      JsonNode workflow = YAML.readTree(ROOT.resolve(".github/workflows").resolve(name).toFile());
      Map<String, String> workflowEnv = env(workflow.path("env"), Map.of());
      workflow
          .path("jobs")
          .properties()
          .forEach(
              job -> {
                Map<String, String> jobEnv = env(job.getValue().path("env"), workflowEnv);
                int index = 0;
                for (JsonNode step : job.getValue().path("steps")) {
                  index++;
                  if (step.hasNonNull("run")) {
                    steps.add(
                        new RunStep(
                            name
                                + " "
                                + job.getKey()
                                + " step "
                                + index
                                + " ("
                                + step.path("name").asText("unnamed")
                                + ")",
                            step.get("run").asText(),
                            env(step.path("env"), jobEnv)));
                  }
                }
              });
    }
    assertThat(steps).as("run: steps of the workflows").hasSizeGreaterThan(10);
    return steps;
  }

  private static Map<String, String> env(JsonNode node, Map<String, String> inherited) {
    Map<String, String> env = new LinkedHashMap<>(inherited);
    node.properties()
        .forEach(
            e -> {
              Optional<String> value = evaluate(e.getValue().asText());
              if (value.isPresent()) {
                env.put(e.getKey(), value.get());
              } else {
                env.remove(e.getKey());
              }
            });
    return env;
  }

  /** A value with its expressions replaced, or empty when one cannot be known here. */
  private static Optional<String> evaluate(String value) {
    Matcher m = EXPRESSION.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String expression = m.group(1);
      String known;
      if (expression.matches("(needs|steps)\\.[\\w-]+\\.outputs\\.version")) {
        known = VERSION;
      } else if (expression.equals("github.ref_name")) {
        known = "v" + VERSION;
      } else {
        return Optional.empty();
      }
      m.appendReplacement(out, Matcher.quoteReplacement(known));
    }
    m.appendTail(out);
    return Optional.of(out.toString());
  }
}
