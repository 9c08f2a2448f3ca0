package dev.comfyagent.benchmarks.compare;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfyagent.benchmarks.compare.BaselineComparator.Report;
import dev.comfyagent.benchmarks.compare.BaselineComparator.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class BaselineComparatorTest {

  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  static Stream<Arguments> movements() {
    return Stream.of(
        // mode, unit, baseline, now, verdict
        Arguments.of("avgt", "ns/op", 100.0, 125.0, Verdict.REGRESSION),
        Arguments.of("avgt", "ns/op", 100.0, 119.0, Verdict.SAME),
        Arguments.of("avgt", "ns/op", 100.0, 70.0, Verdict.IMPROVEMENT),
        Arguments.of("sample", "us/op", 10.0, 12.5, Verdict.REGRESSION),
        Arguments.of("ss", "ms/op", 10.0, 9.0, Verdict.SAME),
        Arguments.of("thrpt", "ops/s", 1000.0, 750.0, Verdict.REGRESSION),
        Arguments.of("thrpt", "ops/s", 1000.0, 1300.0, Verdict.IMPROVEMENT),
        Arguments.of("thrpt", "ops/s", 1000.0, 1150.0, Verdict.SAME));
  }

  @ParameterizedTest(name = "{0} {1}: {2} -> {3} is {4}")
  @MethodSource("movements")
  void judgesTheDirectionByUnitAndMode(
      String mode, String unit, double baseline, double now, Verdict verdict) throws IOException {
    Path before = results("before.json", entry("b.X.m", mode, baseline, unit, Map.of(), null));
    Path after = results("after.json", entry("b.X.m", mode, now, unit, Map.of(), null));
    Report report = compare(before, after);
    assertThat(report.rows()).extracting(BaselineComparator.Row::verdict).contains(verdict);
  }

  static Stream<Arguments> allocations() {
    return Stream.of(
        Arguments.of(0.0, 0.4, Verdict.SAME), // both under the 1 B/op noise floor
        Arguments.of(0.002, 24.0, Verdict.REGRESSION), // an agent that started allocating
        Arguments.of(24.0, 24.0, Verdict.SAME),
        Arguments.of(48.0, 24.0, Verdict.IMPROVEMENT));
  }

  @ParameterizedTest(name = "{0} B/op -> {1} B/op is {2}")
  @MethodSource("allocations")
  void judgesBytesPerOperationWithANoiseFloor(double baseline, double now, Verdict verdict)
      throws IOException {
    Path before = results("before.json", entry("b.X.m", "avgt", 10.0, "ns/op", Map.of(), baseline));
    Path after = results("after.json", entry("b.X.m", "avgt", 10.0, "ns/op", Map.of(), now));
    Report report = compare(before, after);
    assertThat(report.rows())
        .filteredOn(r -> r.either().metric().equals("gc.alloc.rate.norm"))
        .singleElement()
        .extracting(BaselineComparator.Row::verdict)
        .isEqualTo(verdict);
  }

  @Test
  void warnsAboutARegressionButExitsZero() throws IOException {
    Path before =
        results(
            "before.json",
            entry("dev.comfyagent.benchmarks.X.m", "avgt", 100, "ns/op", Map.of(), null));
    Path after =
        results(
            "after.json",
            entry("dev.comfyagent.benchmarks.X.m", "avgt", 150, "ns/op", Map.of(), null));

    int status = run(Map.of(), before.toString(), after.toString());

    assertThat(status).isZero();
    assertThat(stdout())
        .contains(
            "WARNING: Benchmark regression: X.m score: 100 -> 150 ns/op (+50.0%, threshold 20%)")
        .contains("1 regressions over 20%");
  }

  @Test
  void writesAGithubAnnotationInActions() throws IOException {
    Path before =
        results("before.json", entry("b.X.m", "avgt", 100, "ns/op", Map.of("graph", "sdxl"), null));
    Path after =
        results("after.json", entry("b.X.m", "avgt", 150, "ns/op", Map.of("graph", "sdxl"), null));

    run(Map.of("GITHUB_ACTIONS", "true"), before.toString(), after.toString());

    assertThat(stdout())
        .contains(
            "::warning title=Benchmark regression::b.X.m graph=sdxl score: 100 -> 150 ns/op (+50.0%25, threshold 20%25)");
  }

  @Test
  void noWarningWhenNothingGotWorse() throws IOException {
    Path before = results("before.json", entry("b.X.m", "avgt", 100, "ns/op", Map.of(), null));
    Path after = results("after.json", entry("b.X.m", "avgt", 101, "ns/op", Map.of(), null));

    assertThat(run(Map.of("GITHUB_ACTIONS", "true"), before.toString(), after.toString())).isZero();
    assertThat(stdout()).doesNotContain("::warning").doesNotContain("WARNING");
  }

  @Test
  void aCustomThresholdChangesWhatCountsAsARegression() throws IOException {
    Path before = results("before.json", entry("b.X.m", "avgt", 100, "ns/op", Map.of(), null));
    Path after = results("after.json", entry("b.X.m", "avgt", 110, "ns/op", Map.of(), null));

    run(Map.of(), "--threshold", "5", before.toString(), after.toString());

    assertThat(stdout()).contains("WARNING: Benchmark regression").contains("threshold 5%");
  }

  @Test
  void parametersKeepAgentConfigurationsApart() throws IOException {
    Path before =
        results(
            "before.json",
            entry("b.Agent.toolCall", "avgt", 10, "ns/op", Map.of("agent", "none"), null),
            entry("b.Agent.toolCall", "avgt", 900, "ns/op", Map.of("agent", "otel"), null));
    Path after =
        results(
            "after.json",
            entry("b.Agent.toolCall", "avgt", 10, "ns/op", Map.of("agent", "none"), null),
            entry("b.Agent.toolCall", "avgt", 905, "ns/op", Map.of("agent", "otel"), null));

    Report report = compare(before, after);

    assertThat(report.rows()).hasSize(2).allMatch(r -> r.verdict() == Verdict.SAME);
  }

  @Test
  void listsNumbersOnlyInOneOfTheRuns() throws IOException {
    Path before = results("before.json", entry("b.Old.m", "avgt", 1, "ns/op", Map.of(), null));
    Path after = results("after.json", entry("b.New.m", "avgt", 1, "ns/op", Map.of(), null));

    Report report = compare(before, after);

    assertThat(report.rows())
        .extracting(BaselineComparator.Row::verdict)
        .containsExactlyInAnyOrder(Verdict.NEW, Verdict.MISSING);
  }

  @Test
  void comparesThePercentilesOfSampleTimeBenchmarks() throws IOException {
    Path before = results("before.json", sampleEntry("b.Search.search", 100, 900));
    Path after = results("after.json", sampleEntry("b.Search.search", 100, 1500));

    Report report = compare(before, after);

    assertThat(report.regressions())
        .extracting(r -> r.now().metric())
        .containsExactly("p0.99", "p0.999");
  }

  @Test
  void warnsWhenTheMachinesDiffer() throws IOException {
    Path baseDir = Files.createDirectories(dir.resolve("baseline"));
    Path newDir = Files.createDirectories(dir.resolve("new"));
    Path before =
        Files.writeString(
            baseDir.resolve("r.json"),
            "[" + entry("b.X.m", "avgt", 1, "ns/op", Map.of(), null) + "]");
    Path after =
        Files.writeString(
            newDir.resolve("r.json"),
            "[" + entry("b.X.m", "avgt", 1, "ns/op", Map.of(), null) + "]");
    machine("AMD EPYC 7B13", 2).write(MachineDescription.besideResults(before));
    machine("Apple M3", 8).write(MachineDescription.besideResults(after));

    run(Map.of(), before.toString(), after.toString());

    assertThat(stdout())
        .contains("Baseline machine: AMD EPYC 7B13, 2 CPUs")
        .contains("WARNING: Benchmark machines differ")
        .contains("CPU AMD EPYC 7B13 -> Apple M3; CPUs 2 -> 8");
  }

  @ParameterizedTest
  @ValueSource(strings = {"missing.json", "not-json.json", "object.json", "no-score.json"})
  void exitsTwoNamingTheFileWhenInputIsUnreadable(String name) throws IOException {
    Files.writeString(dir.resolve("not-json.json"), "this is not json");
    Files.writeString(dir.resolve("object.json"), "{\"benchmark\": \"x\"}");
    Files.writeString(
        dir.resolve("no-score.json"), "[{\"benchmark\": \"x\", \"primaryMetric\": {}}]");
    Path good = results("good.json", entry("b.X.m", "avgt", 1, "ns/op", Map.of(), null));

    int status = run(Map.of(), good.toString(), dir.resolve(name).toString());

    assertThat(status).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains(name);
  }

  @Test
  void exitsTwoWithUsageForWrongArguments() {
    assertThat(run(Map.of(), "only-one.json")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: BaselineComparator");
  }

  @Test
  void appendsTheComparisonAsAMarkdownTableToTheGivenFile() throws IOException {
    Path before =
        results(
            "before.json",
            entry("dev.comfyagent.benchmarks.X.fast", "avgt", 100, "ns/op", Map.of(), null),
            entry(
                "dev.comfyagent.benchmarks.X.slow",
                "avgt",
                100,
                "ns/op",
                Map.of("a", "b|c"),
                null));
    Path after =
        results(
            "after.json",
            entry("dev.comfyagent.benchmarks.X.fast", "avgt", 101, "ns/op", Map.of(), null),
            entry(
                "dev.comfyagent.benchmarks.X.slow",
                "avgt",
                150,
                "ns/op",
                Map.of("a", "b|c"),
                null));
    Path summary = Files.writeString(dir.resolve("summary.md"), "# Earlier step\n");

    int status =
        run(Map.of(), "--markdown", summary.toString(), before.toString(), after.toString());

    assertThat(status).isZero();
    String md = Files.readString(summary);
    assertThat(md)
        .startsWith("# Earlier step\n### Benchmarks: base vs head\n")
        .contains("| Benchmark | Params | Metric | Unit | Base | Head | Change | |\n|---|")
        .contains(
            "| X.slow | a=b\\|c | avgt score | ns/op | 100 ± 0.500 | 150 ± 0.500 | +50.0% | **regression** |")
        .contains("| X.fast |  | avgt score | ns/op | 100 ± 0.500 | 101 ± 0.500 | +1.0% |  |")
        .contains("2 numbers compared: 1 regressions over 20%");
    assertThat(md.indexOf("X.slow")).isLessThan(md.indexOf("X.fast"));
  }

  @Test
  void comparesTheMediansOfSeveralRunsOfEachSide() throws IOException {
    Path base1 = results("base-1.json", entry("b.X.m", "avgt", 100, "ns/op", Map.of(), null));
    Path base2 = results("base-2.json", entry("b.X.m", "avgt", 300, "ns/op", Map.of(), null));
    Path base3 = results("base-3.json", entry("b.X.m", "avgt", 102, "ns/op", Map.of(), null));
    Path head1 = results("head-1.json", entry("b.X.m", "avgt", 104, "ns/op", Map.of(), null));
    Path head2 = results("head-2.json", entry("b.X.m", "avgt", 98, "ns/op", Map.of(), null));
    Path head3 = results("head-3.json", entry("b.X.m", "avgt", 500, "ns/op", Map.of(), null));
    Path summary = dir.resolve("summary.md");

    int status =
        run(
            Map.of(),
            "--markdown",
            summary.toString(),
            base1.toString(),
            base2.toString(),
            base3.toString(),
            "--vs",
            head1.toString(),
            head2.toString(),
            head3.toString());

    assertThat(status).isZero();
    // Medians 102 and 104: one outlier run on either side is no regression.
    assertThat(stdout()).contains("0 regressions over 20%");
    assertThat(Files.readString(summary))
        .contains("Median of 3 base runs and 3 head runs")
        .contains("| 102 ± 100 | 104 ± 201 | +2.0% |");
  }

  @Test
  void exitsTwoNamingADirectoryGivenForAResultFile() throws IOException {
    Path good = results("good.json", entry("b.X.m", "avgt", 1, "ns/op", Map.of(), null));
    Path folder = Files.createDirectories(dir.resolve("baseline"));

    int status = run(Map.of(), folder.toString(), good.toString());

    assertThat(status).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("baseline is a directory; name the JMH result file in it");
  }

  @Test
  void readsAResultFileWrittenByJmh() throws IOException {
    // The exact shape JMH 1.37 writes with -prof gc, trimmed to what the comparator reads.
    Path file =
        Files.writeString(
            dir.resolve("jmh.json"),
            """
            [ {
                "jmhVersion" : "1.37",
                "benchmark" : "dev.comfyagent.benchmarks.overhead.AgentOverheadBenchmark.toolCall",
                "mode" : "avgt",
                "threads" : 1,
                "forks" : 1,
                "params" : { "agent" : "none" },
                "primaryMetric" : {
                    "score" : 2.43, "scoreError" : 0.05,
                    "scoreConfidence" : [ 2.38, 2.48 ],
                    "scorePercentiles" : { "0.0" : 2.4, "50.0" : 2.43, "100.0" : 2.5 },
                    "scoreUnit" : "ns/op",
                    "rawData" : [ [ 2.4, 2.43, 2.5 ] ]
                },
                "secondaryMetrics" : {
                    "\u00b7gc.alloc.rate" : { "score" : 0.01, "scoreUnit" : "MB/sec" },
                    "\u00b7gc.alloc.rate.norm" : { "score" : 0.0001, "scoreError" : 0.0, "scoreUnit" : "B/op" },
                    "\u00b7gc.count" : { "score" : 0.0, "scoreUnit" : "counts" }
                }
            } ]
            """);

    List<JmhResults.Metric> metrics = JmhResults.read(file);

    assertThat(metrics)
        .extracting(JmhResults.Metric::metric, JmhResults.Metric::unit)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("score", "ns/op"),
            org.assertj.core.groups.Tuple.tuple("gc.alloc.rate.norm", "B/op"));
    assertThat(metrics.get(0).params()).containsEntry("agent", "none");
  }

  private Report compare(Path before, Path after) throws IOException {
    return new BaselineComparator(20).compare(JmhResults.read(before), JmhResults.read(after));
  }

  private int run(Map<String, String> env, String... args) {
    return BaselineComparator.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        env);
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private Path results(String name, String... entries) throws IOException {
    return Files.writeString(dir.resolve(name), "[" + String.join(",", entries) + "]");
  }

  private static MachineDescription machine(String cpu, int cpus) {
    return new MachineDescription(
        "2026-11-25T00:00:00Z", cpu, cpus, 24576, "Linux", "OpenJDK 17", null, null);
  }

  private static String entry(
      String benchmark,
      String mode,
      double score,
      String unit,
      Map<String, String> params,
      Double bytesPerOp) {
    StringBuilder p = new StringBuilder("{");
    params.forEach(
        (k, v) ->
            p.append(p.length() > 1 ? "," : "")
                .append('"')
                .append(k)
                .append("\":\"")
                .append(v)
                .append('"'));
    p.append('}');
    String secondary =
        bytesPerOp == null
            ? "{}"
            : "{\"\u00b7gc.alloc.rate.norm\": {\"score\": "
                + bytesPerOp
                + ", \"scoreError\": 0.0, \"scoreUnit\": \"B/op\"}}";
    return "{\"benchmark\": \""
        + benchmark
        + "\", \"mode\": \""
        + mode
        + "\", \"params\": "
        + p
        + ", \"primaryMetric\": {\"score\": "
        + score
        + ", \"scoreError\": 0.5, \"scoreUnit\": \""
        + unit
        + "\"}, \"secondaryMetrics\": "
        + secondary
        + "}";
  }

  private static String sampleEntry(String benchmark, double p50, double p99) {
    return "{\"benchmark\": \""
        + benchmark
        + "\", \"mode\": \"sample\", \"primaryMetric\": {"
        + "\"score\": "
        + p50
        + ", \"scoreError\": 1.0, \"scoreUnit\": \"us/op\","
        + "\"scorePercentiles\": {\"50.0\": "
        + p50
        + ", \"99.0\": "
        + p99
        + ", \"99.9\": "
        + (p99 * 1.1)
        + "}}}";
  }
}
