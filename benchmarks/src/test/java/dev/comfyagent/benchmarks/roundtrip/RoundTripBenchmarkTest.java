package dev.comfyagent.benchmarks.roundtrip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comfyagent.benchmarks.overhead.ConstantResultTool;
import dev.comfyagent.benchmarks.startup.HelloMcpServer;
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

class RoundTripBenchmarkTest {

  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return RoundTripBenchmark.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  /**
   * Runs the benchmark with no agent against the benchmarks' {@link HelloMcpServer}, calling its
   * constant tool: {@code options} first, {@code jvmOptions} before the server's class path.
   */
  private int runHelloServer(Path json, List<String> options, List<String> jvmOptions) {
    List<String> args = new ArrayList<>(List.of("--only", "none"));
    args.addAll(options);
    args.addAll(
        List.of(
            "--tool",
            ConstantResultTool.NAME,
            "--arguments",
            "{\"node_id\":\"3\",\"input\":\"seed\",\"value\":1}",
            "--json",
            json.toString(),
            "--"));
    args.addAll(jvmOptions);
    args.addAll(
        List.of("-cp", System.getProperty("java.class.path"), HelloMcpServer.class.getName()));
    return run(args.toArray(String[]::new));
  }

  @Test
  @Timeout(180)
  void timesWholeToolCallsOfAnMcpStdioServerRoundByRound() throws IOException {
    Path json = dir.resolve("roundtrip.json");

    int status =
        runHelloServer(
            json,
            List.of(
                "--rounds",
                "2",
                "--warmup-calls",
                "20",
                "--warmup-max-calls",
                "20",
                "--calls",
                "50",
                "--blocks",
                "3"),
            List.of());

    assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("Whole " + ConstantResultTool.NAME + " calls through stdio")
        .contains("median of 2 rounds in ABBA order")
        .contains("no agent");
    JsonNode written = new ObjectMapper().readTree(json.toFile());
    JsonNode none = written.get("results").get(0);
    assertThat(none.get("configuration").asText()).isEqualTo("none");
    assertThat(none.get("p50_us").get("samples")).hasSize(2);
    assertThat(none.get("p50_us").get("median").asDouble()).isPositive();
    assertThat(none.get("p99_us").get("median").asDouble())
        .isGreaterThanOrEqualTo(none.get("p50_us").get("median").asDouble());
    assertThat(written.get("calls").asInt()).isEqualTo(50);
    assertThat(written.get("blocks").asInt()).isEqualTo(3);
    assertThat(none.get("warmup_calls_taken")).extracting(JsonNode::asInt).containsExactly(20, 20);
  }

  @Test
  @Timeout(180)
  void warmUpGoesOnPastTheMinimumUntilTheServersJitIsQuiet() throws IOException {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "reads threads from Linux's /proc");
    Path json = dir.resolve("roundtrip.json");

    // -Xint: no compiler threads, so the blocks after the minimum find the JIT quiet.
    int status =
        runHelloServer(
            json,
            List.of(
                "--rounds",
                "1",
                "--warmup-calls",
                "20",
                "--warmup-max-calls",
                "100000",
                "--calls",
                "20"),
            List.of("-Xint"));

    assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
    JsonNode none = new ObjectMapper().readTree(json.toFile()).get("results").get(0);
    assertThat(none.get("warmup_calls_taken").get(0).asInt())
        .isEqualTo(20 + ServerRun.QUIET_BLOCKS * ServerRun.WARMUP_BLOCK_CALLS);
    assertThat(none.get("jit_quiet_at_start").get(0).asBoolean()).isTrue();
    assertThat(none.get("jit_cpu_percent_measured").get("median").asDouble()).isZero();
  }

  @Test
  void aWarmUpCeilingBelowTheMinimumIsRefused() {
    assertThat(run("--warmup-calls", "500", "--warmup-max-calls", "100")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--warmup-max-calls 100 is fewer than --warmup-calls 500");
  }

  @Test
  void measuredCallsAreSplitIntoEvenTurns() {
    assertThat(RoundTripBenchmark.blockSizes(8000, 8)).containsOnly(1000).hasSize(8);
    assertThat(RoundTripBenchmark.blockSizes(10, 3)).containsExactly(4, 3, 3);
    assertThat(RoundTripBenchmark.blockSizes(2, 8)).containsExactly(1, 1);
  }

  @Test
  void theIntervalOfTheMedianIsTheOrderStatisticsThatHoldItWith95PercentOrMore() {
    double[] sixteen = new double[16];
    for (int i = 0; i < sixteen.length; i++) {
      sixteen[i] = 16 - i; // reversed: the interval must not depend on the order
    }

    double[] interval = RoundTripResult.medianInterval(sixteen);

    // P(Binomial(16, 1/2) <= 3) = 697/65536: the 4th smallest and the 4th largest, 97.9%.
    assertThat(interval[0]).isEqualTo(4.0);
    assertThat(interval[1]).isEqualTo(13.0);
    assertThat(interval[2]).isCloseTo(1 - 2 * 697 / 65536.0, within(1e-12));
    assertThat(RoundTripResult.medianInterval(new double[] {1, 2, 3, 4, 5, 6}))
        .containsExactly(1, 6, 1 - 2 / 64.0);
    assertThat(RoundTripResult.medianInterval(new double[] {1, 2, 3, 4, 5})).isNull();
  }

  @Test
  @Timeout(120)
  void aToolTheServerDoesNotHaveFailsTheRunNamingTheConfiguration() {
    int status =
        run(
            "--only",
            "none",
            "--rounds",
            "1",
            "--warmup-calls",
            "1",
            "--calls",
            "1",
            "--tool",
            "no_such_tool",
            "--json",
            dir.resolve("x.json").toString(),
            "--",
            "-cp",
            System.getProperty("java.class.path"),
            HelloMcpServer.class.getName());

    assertThat(status).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("RoundTripBenchmark: none:");
  }

  @Test
  void anAgentRunIsRefusedWhenTheAgentCountedFewerCallsThanWereMeasured() throws IOException {
    RoundTripSettings settings = new RoundTripSettings();
    settings.calls = 100;
    settings.tool = "list_sessions";
    Path agent = Files.createDirectories(dir.resolve("agent"));
    Files.writeString(
        agent.resolve("metrics.jsonl"),
        "{\"type\":\"final\",\"total\":{\"tools\":{\"list_sessions\":{\"calls\":40}}}}\n");

    assertThatThrownBy(
            () ->
                RoundTripConfiguration.TRACE_OFF.checkObserved(
                    dir, settings, new RoundTripResult.Sample()))
        .isInstanceOf(RoundTripBenchmark.RunFailedException.class)
        .hasMessageContaining("counted 40 calls of list_sessions, fewer than the 100 measured");
  }

  @Test
  void anUntracedRunThatWroteTraceLinesIsRefused() throws IOException {
    RoundTripSettings settings = new RoundTripSettings();
    settings.calls = 10;
    settings.tool = "list_sessions";
    Path agent = Files.createDirectories(dir.resolve("agent"));
    Files.writeString(
        agent.resolve("metrics.jsonl"),
        "{\"type\":\"final\",\"total\":{\"tools\":{\"list_sessions\":{\"calls\":10}}}}\n");
    Files.writeString(agent.resolve("traces.jsonl"), "{}\n");
    RoundTripResult.Sample sample = new RoundTripResult.Sample();

    assertThatThrownBy(() -> RoundTripConfiguration.TRACE_OFF.checkObserved(dir, settings, sample))
        .hasMessageContaining("trace-off: trace lines written");
    RoundTripConfiguration.TRACE_ON.checkObserved(dir, settings, sample);
    assertThat(sample.agentCalls).isEqualTo(10);
  }

  @Test
  void percentilesAreNearestRank() {
    long[] sorted = new long[100];
    for (int i = 0; i < sorted.length; i++) {
      sorted[i] = i + 1;
    }

    assertThat(RoundTripBenchmark.percentile(sorted, 0.50)).isEqualTo(50);
    assertThat(RoundTripBenchmark.percentile(sorted, 0.99)).isEqualTo(99);
    assertThat(RoundTripBenchmark.percentile(new long[] {7}, 0.99)).isEqualTo(7);
  }

  @Test
  void whatAnAgentAddsIsTheMedianOfItsDifferencesToNoAgentInTheSameRound() {
    RoundTripResult none = new RoundTripResult(RoundTripConfiguration.NONE);
    RoundTripResult agent = new RoundTripResult(RoundTripConfiguration.TRACE_OFF);
    double[][] rounds = {{400, 410}, {500, 503}, {450, 470}};
    for (int round = 0; round < rounds.length; round++) {
      none.samples.add(sample(round, rounds[round][0]));
      agent.samples.add(sample(round, rounds[round][1]));
    }

    // Differences 10, 3, 20: the median is 10, while the medians' difference would be 20.
    assertThat(agent.pairedDifference(none, s -> s.p50Us)).isEqualTo(10.0);
  }

  @Test
  void rejectsArgumentsThatAreNotAJsonObject() {
    assertThat(run("--arguments", "[1,2]")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--arguments needs a JSON object");
  }

  @Test
  void rejectsAnUnknownConfiguration() {
    assertThat(run("--only", "none,fast")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--only takes none, trace-off, trace-on, otel; got fast");
  }

  @Test
  void helpPrintsTheOptionsAndExitsZero() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("--warmup-calls N");
  }

  private static RoundTripResult.Sample sample(int round, double p50) {
    RoundTripResult.Sample s = new RoundTripResult.Sample();
    s.round = round;
    s.p50Us = p50;
    return s;
  }
}
