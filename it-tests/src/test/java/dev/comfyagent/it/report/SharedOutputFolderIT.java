package dev.comfyagent.it.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comfyagent.it.fixture.BusyToolHost;
import dev.comfyagent.it.harness.ChildJvm;
import dev.comfyagent.it.harness.PackagedJars;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Four JVMs with the packaged agent write into one output folder at the same time (as runtime
 * containers sharing {@code ./logs} do, all as pid 1 or not), with small rotation sizes so that
 * files rotate while the others write: no process clobbers or tears another's lines, every line
 * names its process, and every call is in its process's files. Then {@code merge} over the folder
 * gives exactly the percentiles of one histogram of every traced call of all four, and the {@code
 * report} page shows those fleet-wide figures.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SharedOutputFolderIT {

  private static final int PROCESSES = 4;
  private static final int THREADS = 3;
  private static final int ROUNDS = 2500;
  private static final ObjectMapper JSON = new ObjectMapper();

  private Path dir;
  private Path logs;
  private final Map<String, Long> callsOfProcess = new HashMap<>();

  /** Every line of every file, parsed, by file. */
  private final Map<Path, List<JsonNode>> lines = new TreeMap<>();

  @BeforeAll
  void fourProcessesWriteIntoOneFolderAtOnce() throws Exception {
    dir = PackagedJars.workDir("shared-output");
    logs = dir.resolve("logs");
    List<ChildJvm> jvms = new ArrayList<>();
    try {
      for (int p = 0; p < PROCESSES; p++) {
        jvms.add(
            ChildJvm.java()
                .agent(
                    "output.dir="
                        + logs
                        + ",metrics.interval=200ms,gpu=off,stats.tool=off"
                        + ",tools=dev.comfyagent.it.fixture.BusyToolHost$*#run"
                        + ",trace.queue.size=100000,trace.rotate.size=256KB,trace.rotate.keep=200"
                        + ",metrics.rotate.size=16KB,metrics.rotate.keep=200")
                .classPath(PackagedJars.testClassPath())
                .main(BusyToolHost.class.getName())
                .args(String.valueOf(THREADS), String.valueOf(ROUNDS))
                .workDir(Files.createDirectories(dir.resolve("process-" + p)))
                .start());
      }
      for (ChildJvm jvm : jvms) {
        assertThat(jvm.waitFor(Duration.ofMinutes(4))).as(jvm.stderr()).isZero();
        assertThat(jvm.stdout()).startsWith("done ");
      }
    } finally {
      jvms.forEach(ChildJvm::close);
    }
    try (Stream<Path> files = Files.list(logs)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".jsonl")).toList()) {
        lines.put(file, parse(file));
      }
    }
    for (List<JsonNode> fileLines : lines.values()) {
      for (JsonNode line : fileLines) {
        if ("final".equals(line.path("type").asText())) {
          long calls = 0;
          for (JsonNode tool : line.path("total").path("tools")) {
            calls += tool.path("calls").asLong();
          }
          callsOfProcess.put(line.path("service.instance.id").asText(), calls);
        }
      }
    }
  }

  /** Every line of a file as JSON: a torn or interleaved line fails here, naming it. */
  private static List<JsonNode> parse(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    assertThat(text).as(file + " ends with a whole line").endsWith("\n");
    List<JsonNode> parsed = new ArrayList<>();
    String[] split = text.split("\n");
    for (int i = 0; i < split.length; i++) {
      try {
        JsonNode node = JSON.readTree(split[i]);
        assertThat(node.isObject()).as(file + " line " + (i + 1)).isTrue();
        parsed.add(node);
      } catch (IOException e) {
        throw new AssertionError(file + " line " + (i + 1) + " is not whole JSON: " + split[i], e);
      }
    }
    return parsed;
  }

  @Test
  void everyProcessWritesFilesOfItsOwnAndEveryLineNamesIt() {
    Set<String> instances = new HashSet<>();
    int plainMetrics = 0;
    for (Map.Entry<Path, List<JsonNode>> file : lines.entrySet()) {
      Set<String> owners = new HashSet<>();
      for (JsonNode line : file.getValue()) {
        assertThat(line.path("service.name").asText()).isEqualTo("BusyToolHost");
        assertThat(line.path("telemetry.distro.version").asText()).isNotBlank();
        owners.add(line.path("service.instance.id").asText());
      }
      assertThat(owners).as("writers of " + file.getKey()).hasSize(1);
      String owner = owners.iterator().next();
      instances.add(owner);
      String name = file.getKey().getFileName().toString();
      if (name.matches("(metrics|traces)(\\.\\d+)?\\.jsonl")) {
        plainMetrics++;
      } else {
        assertThat(name).as("a file of its own").contains(owner.replaceAll("[^A-Za-z0-9._-]", "_"));
      }
    }
    assertThat(instances).hasSize(PROCESSES);
    assertThat(callsOfProcess).hasSize(PROCESSES);
    assertThat(plainMetrics).as("one process holds the plain names").isPositive();
    assertThat(
            lines.keySet().stream()
                .filter(f -> f.getFileName().toString().matches(".*\\.\\d+\\.jsonl")))
        .as("files rotated while the others wrote")
        .isNotEmpty();
  }

  @Test
  void everyCallOfEveryProcessIsInItsOwnTraceFilesAndCounts() {
    Map<String, Long> traced = new HashMap<>();
    for (Map.Entry<Path, List<JsonNode>> file : lines.entrySet()) {
      if (file.getKey().getFileName().toString().startsWith("traces")) {
        for (JsonNode line : file.getValue()) {
          traced.merge(line.path("service.instance.id").asText(), 1L, Long::sum);
        }
      }
    }
    long expected = (long) THREADS * ROUNDS * 3;
    assertThat(callsOfProcess.values()).containsOnly(expected);
    assertThat(traced).isEqualTo(callsOfProcess);
  }

  @Test
  void mergeGivesThePercentilesOfOneHistogramOfEveryCallOfAllProcesses() throws Exception {
    Map<String, Histogram> exact = tracedLatencies();
    JsonNode merged = JSON.readTree(agentCommand("merge", "--json", logs.toString()));
    assertThat(merged.path("processes")).hasSize(PROCESSES);
    for (Map.Entry<String, Histogram> tool : exact.entrySet()) {
      JsonNode figures = merged.path("tools").path(tool.getKey());
      Histogram h = tool.getValue();
      assertThat(figures.path("calls").asLong()).isEqualTo(h.getTotalCount());
      assertThat(figures.path("p50_ms").decimalValue())
          .isEqualByComparingTo(ms(h.getValueAtPercentile(50)));
      assertThat(figures.path("p95_ms").decimalValue())
          .isEqualByComparingTo(ms(h.getValueAtPercentile(95)));
      assertThat(figures.path("p99_ms").decimalValue())
          .isEqualByComparingTo(ms(h.getValueAtPercentile(99)));
      assertThat(figures.path("p99_9_ms").decimalValue())
          .isEqualByComparingTo(ms(h.getValueAtPercentile(99.9)));
      assertThat(figures.path("max_ms").decimalValue()).isEqualByComparingTo(ms(h.getMaxValue()));
    }
  }

  @Test
  void theReportOverTheFolderShowsTheFleetWideFiguresOfTheExactMerge() throws Exception {
    JsonNode merged = JSON.readTree(agentCommand("merge", "--json", logs.toString()));
    Path page = dir.resolve("fleet-report.html");
    String said = agentCommand("report", logs.toString(), "-o", page.toString());
    assertThat(said).startsWith("Wrote " + page).contains(PROCESSES + " processes");
    Document html = Jsoup.parse(page.toFile(), "UTF-8");
    assertThat(html.select("#processes-table tbody tr")).hasSize(PROCESSES);
    List<String> tools = new ArrayList<>();
    merged.path("tools").fieldNames().forEachRemaining(tools::add);
    assertThat(tools).containsExactlyInAnyOrder("Search#run", "Render#run");
    for (String tool : tools) {
      Element row = html.selectFirst("#tools-table tr[data-tool=\"" + tool + "\"]");
      assertThat(row).as(tool).isNotNull();
      JsonNode figures = merged.path("tools").path(tool);
      assertThat(cell(row, "calls")).isEqualByComparingTo(figures.path("calls").decimalValue());
      for (String field : List.of("p50_ms", "p95_ms", "p99_ms", "max_ms")) {
        assertThat(cell(row, field))
            .as(tool + " " + field)
            .isEqualByComparingTo(figures.path(field).decimalValue());
      }
    }
  }

  private static BigDecimal cell(Element row, String field) {
    return new BigDecimal(row.selectFirst("td[data-field=\"" + field + "\"]").text());
  }

  /** Per tool, a histogram of every traced call's duration, as the agent records it (µs). */
  private Map<String, Histogram> tracedLatencies() {
    Map<String, Histogram> exact = new TreeMap<>();
    for (Map.Entry<Path, List<JsonNode>> file : lines.entrySet()) {
      if (file.getKey().getFileName().toString().startsWith("traces")) {
        for (JsonNode line : file.getValue()) {
          long micros = line.path("duration_ms").decimalValue().movePointRight(3).longValueExact();
          exact
              .computeIfAbsent(
                  line.path("tool_name").asText(), t -> new Histogram(1, 3_600_000_000L, 2))
              .recordValue(micros);
        }
      }
    }
    return exact;
  }

  private String agentCommand(String... args) throws IOException {
    Path work = Files.createTempDirectory(dir, "command-");
    try (ChildJvm command =
        ChildJvm.java().jar(PackagedJars.agentJar()).args(args).workDir(work).start()) {
      assertThat(command.waitFor(Duration.ofMinutes(2))).as(command.stderr()).isZero();
      return command.stdout();
    }
  }

  private static BigDecimal ms(long micros) {
    return BigDecimal.valueOf(micros, 3);
  }
}
