package dev.comfyagent.it.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfyagent.it.harness.AgentOutput;
import dev.comfyagent.it.harness.ChildJvm;
import dev.comfyagent.it.harness.HeadlessChromium;
import dev.comfyagent.it.harness.PackagedJars;
import dev.comfyagent.it.harness.RuntimeServer;
import dev.comfyagent.simulator.ComfyUiSimulator;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The report of a known run of the packaged runtime under the packaged agent, written by the
 * packaged agent jar's {@code report} command and opened in headless Chromium: a screenshot is
 * saved ({@code it-tests/target/report-it/report.png}, a build artifact), the figures of the
 * rendered DOM equal those of metrics.jsonl's final line, and the page made no network request.
 * Without Chromium ({@code apt-get install chromium}; {@code .ci/run} installs it) the browser
 * tests are skipped with a message; the page's own checks still run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportPageIT {

  /** The screenshot, where the build keeps it. */
  static final Path SCREENSHOT = Path.of("target", "report-it", "report.png");

  private ComfyUiSimulator comfy;
  private Path dir;
  private Path page;
  private AgentOutput output;
  private String said;
  private final Optional<HeadlessChromium> chromium = HeadlessChromium.find();

  @BeforeAll
  void runAKnownSessionAndWriteItsReport() throws Exception {
    comfy = ComfyUiSimulator.builder().port(0).stepDelay(Duration.ofMillis(40)).start();
    dir = PackagedJars.workDir("report-page");
    Path logs = dir.resolve("logs");
    try (RuntimeServer runtime =
        RuntimeServer.with(dir.resolve("runtime"), comfy)
            .agent("output.dir=" + logs + ",metrics.interval=500ms,gpu=comfyui")
            .start()) {
      for (int round = 0; round < 4; round++) {
        runtime.call("load_workflow", Map.of("workflow", RuntimeServer.workflow()));
        runtime.call(
            "search_nodes", Map.of("query", round % 2 == 0 ? "sampler" : "checkpoint loader"));
        runtime.call("get_node_info", Map.of("class_type", "KSampler"));
        runtime.call(
            "apply_workflow_patch",
            Map.of(
                "patch",
                List.of(Map.of("op", "replace", "path", "/3/inputs/seed", "value", round))));
        runtime.call("validate_workflow", Map.of());
        runtime.call("execute_workflow", Map.of());
        runtime.call("get_node_info", Map.of("class_type", "NoSuchNodeAnywhere"));
        runtime.call("load_workflow", Map.of("workflow", "{not json"));
        Thread.sleep(300);
      }
      runtime.stop();
    }
    output = new AgentOutput(logs);
    page = dir.resolve("report.html");
    try (ChildJvm report =
        ChildJvm.java()
            .jar(PackagedJars.agentJar())
            .args("report", logs.toString(), "-o", page.toString())
            .workDir(Files.createDirectories(dir.resolve("report-command")))
            .start()) {
      assertThat(report.waitFor(Duration.ofMinutes(2))).as(report.stderr()).isZero();
      said = report.stdout();
    }
  }

  @AfterAll
  void stopComfy() {
    comfy.close();
  }

  @Test
  void theCommandSaysWhereThePageIsAndWhatItCovers() {
    assertThat(said).startsWith("Wrote " + page).contains("1 process,").contains("calls;");
    assertThat(page).isRegularFile();
  }

  @Test
  void thePageCanReachNothingAndNamesNothingOutside() throws Exception {
    String html = Files.readString(page, StandardCharsets.UTF_8);
    assertThat(html).contains("content=\"default-src 'none'; style-src 'sha256-");
    assertThat(html).doesNotContainIgnoringCase("<script");
    assertThat(html).doesNotContain("http://", "https://", "url(", "@import");
    assertThat(html).doesNotContainPattern("\\s(src|href|srcset|action)=");
    assertThat(Files.size(page)).isLessThan(2L * 1024 * 1024);
  }

  @Test
  void theRenderedPageShowsTheFiguresOfTheFinalMetricsLine() {
    Document dom = Jsoup.parse(renderedDom());
    JsonNode tools = output.finalMetrics().path("total").path("tools");
    List<String> names = new ArrayList<>();
    tools.fieldNames().forEachRemaining(names::add);
    assertThat(names).contains("load_workflow", "execute_workflow", "get_node_info");
    assertThat(dom.select("#tools-table tbody tr")).hasSize(names.size());
    for (String tool : names) {
      Element row = dom.selectFirst("#tools-table tr[data-tool=" + tool + "]");
      assertThat(row).as(tool).isNotNull();
      JsonNode figures = tools.path(tool);
      for (String field : List.of("calls", "ok", "err", "p50_ms", "p95_ms", "p99_ms", "max_ms")) {
        assertThat(new BigDecimal(row.selectFirst("td[data-field=" + field + "]").text()))
            .as(tool + " " + field)
            .isEqualByComparingTo(figures.path(field).decimalValue());
      }
    }
    JsonNode agent = output.finalMetrics().path("agent");
    Element health = dom.getElementById("health");
    assertThat(health.attr("data-trace-lines-dropped"))
        .isEqualTo(agent.path("trace_lines_dropped").asText());
    assertThat(health.attr("data-internal-errors"))
        .isEqualTo(agent.path("internal_errors").asText());
    String instance = output.finalMetrics().path("service.instance.id").asText();
    assertThat(dom.select("#processes-table tr[data-instance]"))
        .extracting(e -> e.attr("data-instance"))
        .containsExactly(instance);
    assertThat(dom.getElementById("renders").text()).startsWith("4");
    assertThat(dom.select("#gpu svg.chart")).isNotEmpty();
    assertThat(dom.select("#chains .chain")).isNotEmpty();
  }

  @Test
  void openingThePageMakesNoNetworkRequest() {
    HeadlessChromium browser = browser();
    HeadlessChromium.Loaded loaded = browser.load(page, dir);
    assertThat(HeadlessChromium.requestsOfThePage(loaded.netLog())).isEmpty();
  }

  @Test
  void theNetworkCheckSeesARequestWhenAPageMakesOne() throws Exception {
    // The check above could pass by reading the log wrongly; a page that does fetch proves it reads
    // it.
    HeadlessChromium browser = browser();
    Path leaky = dir.resolve("leaky.html");
    Files.writeString(
        leaky,
        "<!DOCTYPE html><html><body><img src=\"http://127.0.0.1:9/pixel.png\"></body></html>");
    HeadlessChromium.Loaded loaded = browser.load(leaky, dir);
    assertThat(HeadlessChromium.requestsOfThePage(loaded.netLog()))
        .containsExactly("http://127.0.0.1:9/pixel.png");
  }

  @Test
  void aScreenshotOfThePageIsSavedForTheBuild() throws Exception {
    HeadlessChromium browser = browser();
    Path png = dir.resolve("report.png");
    browser.screenshot(page, png, 1280, 2600, dir);
    byte[] bytes = Files.readAllBytes(png);
    assertThat(bytes.length).isGreaterThan(50_000);
    assertThat(new String(bytes, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
    Files.createDirectories(SCREENSHOT.getParent());
    Files.copy(png, SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
  }

  private String renderedDom() {
    if (chromium.isPresent()) {
      return chromium.get().load(page, dir).dom();
    }
    try {
      // Without a browser the page's markup is its DOM: it has no script to change it.
      return Files.readString(page, StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private HeadlessChromium browser() {
    assumeTrue(
        chromium.isPresent(),
        "headless Chromium is not installed at "
            + HeadlessChromium.DEFAULT
            + " (apt-get install chromium; .ci/run installs it): the browser checks of the report"
            + " page are skipped");
    return chromium.get();
  }
}
