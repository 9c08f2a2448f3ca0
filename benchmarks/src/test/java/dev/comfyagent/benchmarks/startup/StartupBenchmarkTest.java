package dev.comfyagent.benchmarks.startup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfyagent.simulator.ComfyUiSimulator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class StartupBenchmarkTest {

  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return StartupBenchmark.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  /**
   * docs/benchmarks.md says the benchmark runs from source with a JDK alone: every file of the
   * program (the benchmark and the classes it uses beside it) imports only the JDK and its own
   * package, so the source launcher can compile it without the module's dependencies.
   */
  @Test
  void theBenchmarkAndTheClassesBesideItNeedOnlyTheJdk() throws IOException {
    Path sources = Path.of("src/main/java/dev/comfyagent/benchmarks/startup");
    List<String> program =
        List.of(
            "StartupBenchmark.java",
            "StartupSettings.java",
            "StartupReport.java",
            "FirstSearch.java");
    for (String file : program) {
      String text = Files.readString(sources.resolve(file));
      for (String line : text.lines().filter(l -> l.startsWith("import ")).toList()) {
        assertThat(line)
            .as(file)
            .matches("import (static )?(java\\.|dev\\.comfyagent\\.benchmarks\\.startup\\.).*");
      }
    }
    try (var files = Files.list(sources)) {
      List<String> used =
          files
              .map(f -> f.getFileName().toString())
              .filter(name -> !name.equals("HelloMcpServer.java"))
              .filter(name -> !name.equals("package-info.java"))
              .sorted()
              .toList();
      assertThat(used).containsExactlyInAnyOrderElementsOf(program);
    }
  }

  @Test
  @Timeout(120)
  void timesAnMcpStdioServerToItsToolsListAnswer() throws IOException {
    Path json = dir.resolve("startup.json");

    int status =
        run(
            "--only",
            "none",
            "--runs",
            "1",
            "--warmup",
            "0",
            "--json",
            json.toString(),
            "--",
            "-cp",
            System.getProperty("java.class.path"),
            HelloMcpServer.class.getName());

    assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("Launch to first tools/list answer, median of 1 runs")
        .contains("no agent")
        .doesNotContain("WARNING");
    String written = Files.readString(json);
    assertThat(written)
        .contains("\"configuration\": \"none\"")
        .contains("\"tools\": 1")
        .contains("\"stdout_noise_lines\": 0")
        .containsPattern("\"tools_list_ms\": \\{\"median\": [0-9.]+");
  }

  @Test
  @Timeout(60)
  void aSubjectThatExitsWithoutAnsweringFailsNamingTheConfiguration() {
    int status =
        run(
            "--only",
            "none",
            "--runs",
            "1",
            "--warmup",
            "0",
            "--json",
            dir.resolve("x.json").toString(),
            "--",
            "-version");

    assertThat(status).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("none: the server closed stdout")
        .containsIgnoringCase("version");
  }

  @Test
  @Timeout(180)
  void timesTheFirstSearchAfterStartAgainstAComfyUiWithTheManagersMap() throws IOException {
    Path json = dir.resolve("first-search.json");
    try (ComfyUiSimulator comfy = ComfyUiSimulator.start(0)) {
      int status =
          run(
              "--only",
              "none",
              "--runs",
              "1",
              "--warmup",
              "0",
              "--first-search",
              "--search-query",
              "upscale image",
              "--comfyui-url",
              comfy.baseUri().toString(),
              "--json",
              json.toString(),
              "--",
              "-cp",
              System.getProperty("java.class.path"),
              "dev.comfyagent.runtime.cli.RuntimeMain",
              "serve");

      assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
      // The runtime asked the simulator for its installed nodes.
      assertThat(comfy.requestCount("/object_info")).isPositive();
    }
    assertThat(err.toString(StandardCharsets.UTF_8))
        .containsPattern("extension-node-map.json, 1\\.[0-9] MB")
        .containsPattern(
            "search_nodes answered [0-9]+ ms after the request .*, [1-9][0-9]* matches");
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("First search_nodes \"upscale image\" right after tools/list, median of 1 runs")
        .doesNotContain("WARNING");
    assertThat(Files.readString(json))
        .contains("\"search_query\": \"upscale image\"")
        .containsPattern("\"first_search_request_ms\": \\{\"median\": [0-9.]+")
        .containsPattern("\"first_search_launch_ms\": \\{\"median\": [0-9.]+")
        .containsPattern("\"first_search_partial\": [01]")
        .containsPattern("\"complete_search_launch_ms\": \\{\"median\": [0-9.]+");
  }

  @Test
  void firstSearchOptionsNeedFirstSearch() {
    assertThat(run("--only", "none", "--comfyui-url", "http://127.0.0.1:8188", "--", "-version"))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("only apply with --first-search");
  }

  @Test
  void rejectsAComfyUiUrlThatIsNotHostAndPort() {
    assertThat(
            run(
                "--only",
                "none",
                "--first-search",
                "--comfyui-url",
                "comfy.local",
                "--",
                "-version"))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--comfyui-url needs http://host:port");
  }

  @Test
  void theSearchRequestIsAToolsCallOfSearchNodesWithTheQueryQuoted() {
    assertThat(StartupBenchmark.searchRequest(3, "a \"b\""))
        .isEqualTo(
            "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{"
                + "\"name\":\"search_nodes\",\"arguments\":{\"query\":\"a \\\"b\\\"\"}}}");
  }

  @Test
  void rejectsAnUnknownOptionListingTheValidOnes() {
    assertThat(run("--fast")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("unknown option --fast")
        .contains("--runs");
  }

  @Test
  void helpPrintsTheOptionsAndExitsZero() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("usage: StartupBenchmark")
        .contains("--only");
  }

  @Test
  void rejectsAnAgentJarThatDoesNotExist() {
    assertThat(
            run(
                "--only",
                "agent",
                "--agent-jar",
                dir.resolve("nope.jar").toString(),
                "--",
                "-version"))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("nope.jar does not exist");
  }

  @Test
  void rejectsAJsonOutputThatIsADirectory() {
    assertThat(run("--only", "none", "--json", dir.toString(), "--", "-version")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("is a directory");
  }

  @Test
  void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
    assertThat(StartupBenchmark.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
    assertThat(StartupBenchmark.median(new double[] {5, 1, 3})).isEqualTo(3);
  }

  @Test
  void quotesJsonStrings() {
    assertThat(StartupReport.quote("C:\\x \"y\"\n")).isEqualTo("\"C:\\\\x \\\"y\\\"\\n\"");
  }

  @Test
  void checkPassesWhenThePenaltyIsATenthOfOpenTelemetrysAndTheMemoryWithinBounds() {
    List<StartupBenchmark.Result> results =
        results(new double[] {1000, 1090, 4000}, new double[] {130, 150, 330});

    int status = StartupReport.check(print(), settings(), results);

    assertThat(status).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("Check: startup penalty 0.030 of OpenTelemetry's (+90 ms vs +3000 ms)")
        .contains("goal at most 0.100: met")
        .contains("Check: peak RSS at the first tools/list +20.0 MiB, goal at most +25.0 MiB: met");
  }

  @Test
  void checkFailsWithStatusThreeWhenEitherGoalIsMissed() {
    assertThat(
            StartupReport.check(
                print(),
                settings(),
                results(new double[] {1000, 1400, 4000}, new double[] {130, 140, 330})))
        .isEqualTo(3);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("0.133").contains("MISSED");
    out.reset();
    assertThat(
            StartupReport.check(
                print(),
                settings(),
                results(new double[] {1000, 1100, 4000}, new double[] {130, 160, 330})))
        .isEqualTo(3);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("+30.0 MiB, goal at most +25.0 MiB: MISSED");
  }

  @Test
  @Timeout(120)
  void checkWithoutOpenTelemetryInTheRunCannotJudgeAndFails() {
    int status =
        run(
            "--only",
            "none",
            "--runs",
            "1",
            "--warmup",
            "0",
            "--check",
            "--json",
            dir.resolve("c.json").toString(),
            "--",
            "-cp",
            System.getProperty("java.class.path"),
            HelloMcpServer.class.getName());

    assertThat(status).isEqualTo(3);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("cannot judge the goals");
  }

  @Test
  void rejectsABaselineAgentJarThatDoesNotExist() {
    assertThat(
            run(
                "--only",
                "none",
                "--baseline-agent-jar",
                dir.resolve("old.jar").toString(),
                "--",
                "-version"))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("old.jar does not exist");
  }

  @Test
  void theBaselineIsComparedRoundByRound() {
    StartupBenchmark.Result agent = result("agent", 500, 700, 520);
    StartupBenchmark.Result baseline = result("agent-baseline", 560, 690, 600);

    // Differences -60, +10, -80 give -60; the medians' difference would be -40.
    assertThat(StartupReport.pairedDifference(agent, baseline, s -> s.toolsListMs)).isEqualTo(-60);
  }

  private PrintStream print() {
    return new PrintStream(out, true, StandardCharsets.UTF_8);
  }

  private static StartupSettings settings() {
    return new StartupSettings();
  }

  /** none, agent, otel with one run each: tools/list times and peak RSS in MiB. */
  private static List<StartupBenchmark.Result> results(double[] millis, double[] rssMib) {
    String[] ids = {"none", "agent", "otel"};
    List<StartupBenchmark.Result> results = new ArrayList<>();
    for (int i = 0; i < ids.length; i++) {
      StartupBenchmark.Result r = result(ids[i], millis[i]);
      r.samples.get(0).peakRssKib = (long) (rssMib[i] * 1024);
      results.add(r);
    }
    return results;
  }

  private static StartupBenchmark.Result result(String id, double... millis) {
    StartupBenchmark.Result r =
        new StartupBenchmark.Result(new StartupBenchmark.Configuration(id, id, null, null));
    for (double ms : millis) {
      StartupBenchmark.Sample s = new StartupBenchmark.Sample();
      s.toolsListMs = ms;
      r.samples.add(s);
    }
    return r;
  }
}
