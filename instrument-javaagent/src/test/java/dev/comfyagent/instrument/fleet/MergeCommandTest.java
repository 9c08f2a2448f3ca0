package dev.comfyagent.instrument.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comfyagent.instrument.emit.OutputFiles;
import dev.comfyagent.instrument.emit.ProcessIdentity;
import dev.comfyagent.instrument.emit.ProcessOutputFixture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MergeCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final Histogram allLoads = new Histogram(1, 3_600_000_000L, 2);
  private final Histogram allRenders = new Histogram(1, 3_600_000_000L, 2);
  private final List<OutputFiles> held = new ArrayList<>();

  /** Two processes in one folder, with known and very different latency sets. */
  @BeforeEach
  void writeTwoProcesses() throws Exception {
    Random random = new Random(7);
    writeProcess("host-a", random, 1_000, 3, allLoads, allRenders);
    writeProcess("host-b", random, 50_000, 2, allLoads, allRenders);
  }

  private void writeProcess(
      String host, Random random, int scale, int intervals, Histogram loads, Histogram renders)
      throws Exception {
    List<Map<String, long[]>> lines = new ArrayList<>();
    for (int i = 0; i < intervals; i++) {
      long[] load = new long[200 + random.nextInt(100)];
      for (int k = 0; k < load.length; k++) {
        load[k] = 1 + random.nextInt(scale) + (k % 50 == 0 ? scale * 20L : 0);
        loads.recordValue(load[k]);
      }
      long[] render = new long[5];
      for (int k = 0; k < render.length; k++) {
        render[k] = 2_000_000 + random.nextInt(scale * 40);
        renders.recordValue(render[k]);
      }
      lines.add(Map.of("load_workflow", load, "execute_workflow", render));
    }
    held.add(ProcessOutputFixture.write(dir, ProcessIdentity.of("rt", "0.1.0", host, 1, 0), lines));
  }

  @AfterEach
  void stopProcesses() throws Exception {
    for (OutputFiles files : held) {
      files.close();
    }
  }

  @Test
  void processesThatFollowEachOtherInOneFileAreStillTwoProcesses() throws Exception {
    Path shared = Files.createDirectory(dir.resolve("sequential"));
    ProcessOutputFixture.write(
            shared,
            ProcessIdentity.of("rt", "0.1.0", "h", 1, 0),
            List.of(Map.of("t", new long[] {5})))
        .close();
    ProcessOutputFixture.write(
            shared,
            ProcessIdentity.of("rt", "0.1.0", "h", 1, 1),
            List.of(Map.of("t", new long[] {7})))
        .close();
    assertThat(Files.list(shared).filter(f -> f.toString().endsWith(".hlog")).count()).isEqualTo(1);
    assertThat(run("--json", shared.toString())).isZero();
    JsonNode merged = JSON.readTree(out.toString(StandardCharsets.UTF_8));
    assertThat(merged.path("processes")).hasSize(2);
    assertThat(merged.path("tools").path("t").path("calls").asLong()).isEqualTo(2);
  }

  @Test
  void mergedPercentilesEqualThoseOfOneHistogramOfEveryValueExactly() throws Exception {
    assertThat(Files.list(dir).filter(f -> f.toString().endsWith(".hlog")).count()).isEqualTo(2);
    assertThat(run("--json", dir.toString())).isZero();
    JsonNode merged = JSON.readTree(out.toString(StandardCharsets.UTF_8));
    assertThat(merged.path("processes")).hasSize(2);
    assertThat(merged.path("files").asInt()).isEqualTo(2);
    assertExact(merged.path("tools").path("load_workflow"), allLoads);
    assertExact(merged.path("tools").path("execute_workflow"), allRenders);
  }

  private static void assertExact(JsonNode figures, Histogram expected) {
    assertThat(figures.path("calls").asLong()).isEqualTo(expected.getTotalCount());
    assertThat(figures.path("p50_ms").decimalValue())
        .isEqualByComparingTo(millis(expected.getValueAtPercentile(50)));
    assertThat(figures.path("p95_ms").decimalValue())
        .isEqualByComparingTo(millis(expected.getValueAtPercentile(95)));
    assertThat(figures.path("p99_ms").decimalValue())
        .isEqualByComparingTo(millis(expected.getValueAtPercentile(99)));
    assertThat(figures.path("p99_9_ms").decimalValue())
        .isEqualByComparingTo(millis(expected.getValueAtPercentile(99.9)));
    assertThat(figures.path("max_ms").decimalValue())
        .isEqualByComparingTo(millis(expected.getMaxValue()));
  }

  @Test
  void averagingEachProcesssPercentilesWouldHaveGivenAnotherAnswer() throws Exception {
    // The reason for the command: the mean of the two processes' p99s is not the fleet's p99.
    assertThat(run("--json", dir.toString())).isZero();
    JsonNode merged = JSON.readTree(out.toString(StandardCharsets.UTF_8));
    Path metricsA = dir.resolve("metrics.jsonl");
    Path metricsB =
        Files.list(dir)
            .filter(f -> f.getFileName().toString().startsWith("metrics-"))
            .findFirst()
            .orElseThrow();
    double mean = 0;
    for (Path metrics : List.of(metricsA, metricsB)) {
      List<String> lines = Files.readAllLines(metrics);
      mean +=
          JSON.readTree(lines.get(lines.size() - 1))
                  .path("total")
                  .path("tools")
                  .path("load_workflow")
                  .path("p99_ms")
                  .asDouble()
              / 2;
    }
    assertThat(merged.path("tools").path("load_workflow").path("p99_ms").asDouble())
        .isNotEqualTo(mean);
  }

  @Test
  void theTableNamesEveryToolWithItsFigures() {
    assertThat(run(dir.toString())).isZero();
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text).startsWith("2 processes, 2 files, ");
    assertThat(text).contains("TOOL", "CALLS", "P99.9");
    assertThat(text)
        .containsPattern(
            "load_workflow\\s+"
                + allLoads.getTotalCount()
                + "\\s+"
                + millis(allLoads.getValueAtPercentile(50)).toPlainString().replace(".", "\\.")
                + "\\s");
  }

  @Test
  void aWindowKeepsOnlyTheIntervalsThatEndInsideIt() throws Exception {
    assertThat(run("--json", "--since", "2999-01-01T00:00:00Z", dir.toString())).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("no interval in 2 file(s) between --since and --until");
    out.reset();
    assertThat(run("--json", "--since", "1h", dir.toString())).isZero();
    assertThat(
            JSON.readTree(out.toString(StandardCharsets.UTF_8))
                .path("tools")
                .path("load_workflow")
                .path("calls")
                .asLong())
        .isEqualTo(allLoads.getTotalCount());
  }

  @Test
  void anUnreadableLineIsSkippedAndNamed() throws Exception {
    Files.writeString(
        dir.resolve("latency.hlog"),
        "Tag=load_workflow,1.0,1.0,0.1,NOT-BASE64\n",
        java.nio.file.StandardOpenOption.APPEND);
    assertThat(run("--json", dir.toString())).isZero();
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("latency.hlog line ")
        .contains("the line is skipped");
    assertThat(JSON.readTree(out.toString(StandardCharsets.UTF_8)).path("skipped_lines").asInt())
        .isEqualTo(1);
  }

  @Test
  void aFolderWithoutLogsAndAWrongCommandLineAreClearErrors() throws Exception {
    Path empty = Files.createDirectory(dir.resolve("empty"));
    assertThat(run(empty.toString())).isEqualTo(MergeCommand.EXIT_NOTHING);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("no *.hlog file in")
        .contains("hlog=off");
    err.reset();
    assertThat(run()).isEqualTo(MergeCommand.EXIT_USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("merge needs the files or folders to read");
    err.reset();
    assertThat(run("--frobnicate", dir.toString())).isEqualTo(MergeCommand.EXIT_USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("unknown option --frobnicate")
        .contains("Usage:");
    err.reset();
    assertThat(run("--since", "yesterday", dir.toString())).isEqualTo(MergeCommand.EXIT_USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--since yesterday is neither an instant");
    err.reset();
    assertThat(run(dir.resolve("nope").toString())).isEqualTo(MergeCommand.EXIT_USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("nope: no such file or folder");
  }

  private int run(String... args) {
    return MergeCommand.run(
        List.of(args),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private static BigDecimal millis(long micros) {
    return BigDecimal.valueOf(micros, 3);
  }
}
