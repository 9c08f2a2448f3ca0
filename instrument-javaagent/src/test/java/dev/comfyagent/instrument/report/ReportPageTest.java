package dev.comfyagent.instrument.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfyagent.instrument.fleet.AgentFiles;
import dev.comfyagent.instrument.fleet.TimeWindow;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportPageTest {

  @TempDir Path dir;

  private final SyntheticRun synthetic = new SyntheticRun();
  private String html;

  @BeforeEach
  void renderAKnownRun() throws Exception {
    synthetic.write(dir);
    Run run = RunReader.read(AgentFiles.find(List.of(dir)), TimeWindow.all(), 240);
    html = ReportPage.render(run, "0.1.0", SyntheticRun.T0 + 3_600_000);
  }

  @Test
  void thePageCanLoadNothingFromAnywhere() {
    assertThat(html)
        .contains(
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src"
                + " 'sha256-");
    assertThat(html).doesNotContainIgnoringCase("<script").doesNotContain("javascript:");
    assertThat(html).doesNotContain("http://", "https://", "url(", "@import", "@font-face");
    assertThat(html).doesNotContainPattern("\\s(src|href)=");
  }

  @Test
  void theStyleHashInThePolicyIsThatOfTheStyleElement() throws Exception {
    Matcher style = Pattern.compile("<style>(.*?)</style>", Pattern.DOTALL).matcher(html);
    assertThat(style.find()).isTrue();
    byte[] digest =
        java.security.MessageDigest.getInstance("SHA-256")
            .digest(style.group(1).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(html)
        .contains("'sha256-" + java.util.Base64.getEncoder().encodeToString(digest) + "'");
    assertThat(style.group(1)).contains("prefers-color-scheme:dark").contains("@media print");
  }

  @Test
  void theToolsTableHoldsTheWholeRunFigures() {
    String row = row("load_workflow");
    assertThat(field(row, "calls")).isEqualTo(Long.toString(synthetic.loadCalls));
    assertThat(field(row, "err")).isEqualTo(Long.toString(synthetic.loadErrors));
    assertThat(field(row, "p50_ms"))
        .isEqualTo(SyntheticRun.millis(synthetic.loads.getValueAtPercentile(50)));
    assertThat(field(row, "p99_ms"))
        .isEqualTo(SyntheticRun.millis(synthetic.loads.getValueAtPercentile(99)));
    assertThat(field(row, "max_ms")).isEqualTo(SyntheticRun.millis(synthetic.loads.getMaxValue()));
  }

  @Test
  void dataLossIsShownNotHidden() {
    assertThat(html).contains("data-trace-lines-dropped=\"3\"");
    assertThat(html).contains("3 trace lines were dropped by the agent");
    assertThat(html).contains("1 unreadable line(s) in traces traces.jsonl");
    assertThat(html).contains("class=\"health bad\"");
  }

  @Test
  void everySectionIsThereWithItsPlots() {
    for (String id :
        List.of("health", "processes", "tools", "resilience", "memory", "gpu", "chains")) {
      assertThat(html).contains("<section id=\"" + id + "\"");
    }
    assertThat(html).contains(SyntheticRun.INSTANCE);
    assertThat(html).contains("class=\"state st-open\"").contains("class=\"state st-half\"");
    assertThat(html).contains("Latency by percentile of load_workflow, HdrHistogram plot");
    assertThat(html).contains("class=\"shade\"");
    assertThat(count(html, "<svg class=\"chart\"")).isGreaterThanOrEqualTo(10);
    assertThat(count(html, "class=\"chain\"")).isEqualTo(RunReader.SLOWEST_CHAINS);
  }

  @Test
  void whatComesFromTheDataIsEscaped() {
    assertThat(html).contains("path=&lt;script&gt;alert(1)&lt;/script&gt;");
  }

  private String row(String tool) {
    Matcher m = Pattern.compile("<tr data-tool=\"" + tool + "\">(.*?)</tr>").matcher(html);
    assertThat(m.find()).as("row of " + tool).isTrue();
    return m.group(1);
  }

  private static String field(String row, String field) {
    Matcher m = Pattern.compile("data-field=\"" + field + "\">([^<]*)<").matcher(row);
    assertThat(m.find()).as(field).isTrue();
    return m.group(1);
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
