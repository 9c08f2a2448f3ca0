package dev.comfyagent.instrument.emit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HistogramLogFileTest {

  @TempDir Path dir;

  private final ProcessIdentity identity =
      ProcessIdentity.of("agent-runtime", "0.1.0", "render-07", 1, 1_764_065_730_000L);

  @Test
  void hdrHistogramsOwnReaderReadsEveryIntervalWithItsTagTimesAndValues() throws Exception {
    Path file = dir.resolve("latency.hlog");
    try (HistogramLogFile log = new HistogramLogFile(file, 0, 0, identity)) {
      log.scratch("load_workflow").recordValue(11_200);
      log.scratch("load_workflow").recordValue(40_100);
      log.scratch("execute_workflow").recordValue(4_210_000);
      log.writeInterval(1_764_065_730_000L, 1_764_065_790_000L);
      log.scratch("load_workflow").recordValue(9_800);
      log.writeInterval(1_764_065_790_000L, 1_764_065_850_000L);
    }

    List<EncodableHistogram> read = new ArrayList<>();
    try (HistogramLogReader reader = new HistogramLogReader(file.toFile())) {
      EncodableHistogram h;
      while ((h = reader.nextIntervalHistogram()) != null) {
        read.add(h);
      }
    }
    assertThat(read)
        .extracting(EncodableHistogram::getTag)
        .containsExactlyInAnyOrder("load_workflow", "execute_workflow", "load_workflow");
    Histogram first =
        (Histogram)
            read.stream().filter(h -> h.getTag().equals("load_workflow")).findFirst().orElseThrow();
    assertThat(first.getTotalCount()).isEqualTo(2);
    assertThat(first.getStartTimeStamp()).isEqualTo(1_764_065_730_000L);
    assertThat(first.getEndTimeStamp()).isEqualTo(1_764_065_790_000L);
    assertThat(first.getMaxValue())
        .isEqualTo(new Histogram(1, 3_600_000_000L, 2).highestEquivalentValue(40_100));
    Histogram last = (Histogram) read.get(read.size() - 1);
    assertThat(last.getTotalCount()).isEqualTo(1);
    assertThat(last.getStartTimeStamp()).isEqualTo(1_764_065_790_000L);
  }

  @Test
  void theHeaderNamesTheProcessAndAToolWithoutCallsHasNoLine() throws Exception {
    Path file = dir.resolve("latency.hlog");
    try (HistogramLogFile log = new HistogramLogFile(file, 0, 0, identity)) {
      log.scratch("idle");
      log.scratch("busy").recordValue(5);
      log.writeInterval(0, 1000);
    }
    String text = Files.readString(file, StandardCharsets.UTF_8);
    assertThat(text)
        .contains("#[Histogram log format version 1.3]")
        .contains("#[BaseTime: 0.000")
        .contains("\"service.instance.id\":\"render-07-1-20251125T101530000Z\"")
        .contains("\"service.name\":\"agent-runtime\"")
        .contains("\"telemetry.distro.version\":\"0.1.0\"")
        .contains("Tag=busy,")
        .doesNotContain("Tag=idle");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "plain_name",
        "with space",
        "a,b",
        "50%",
        "ünïcødé",
        "line\nbreak",
        "",
        "Tool#run"
      })
  void anyToolNameMakesAValidTagThatDecodesBack(String tool) {
    String tag = HistogramLogFile.tagOf(tool);
    assertThat(tag).doesNotContain(" ", ",", "\n", "\r").isNotEmpty();
    assertThat(tag.chars()).allMatch(c -> c > 0x20 && c < 0x7f);
    assertThat(HistogramLogFile.toolOf(tag)).isEqualTo(tool.isEmpty() ? "_" : tool);
  }

  @Test
  void aRotatedFileStartsWithItsOwnHeader() throws Exception {
    Path file = dir.resolve("latency.hlog");
    try (HistogramLogFile log = new HistogramLogFile(file, 900, 3, identity)) {
      for (int i = 0; i < 20; i++) {
        log.scratch("t" + i).recordValue(100 + i);
        log.writeInterval(i * 1000L, i * 1000L + 1000);
      }
    }
    Path rotated = JsonLinesFile.rotated(file, 1);
    assertThat(rotated).exists();
    for (Path f : List.of(file, rotated)) {
      assertThat(Files.readString(f)).startsWith("#[Histogram log format version 1.3]");
      assertThat(Files.size(f)).isLessThanOrEqualTo(900 + 200);
    }
    assertThat(JsonLinesFile.rotated(file, 4)).doesNotExist();
  }

  @Test
  void aLineLeftHalfWrittenByAKilledProcessIsEndedBeforeTheNextHeader() throws Exception {
    Path file = dir.resolve("latency.hlog");
    Files.writeString(file, "Tag=x,1.000,1.000,0.1,HISTFAAAA");
    try (HistogramLogFile log = new HistogramLogFile(file, 0, 0, identity)) {
      log.scratch("y").recordValue(1);
      log.writeInterval(0, 1000);
    }
    List<String> lines = Files.readAllLines(file);
    assertThat(lines.get(0)).isEqualTo("Tag=x,1.000,1.000,0.1,HISTFAAAA");
    assertThat(lines.get(1)).isEqualTo("#[Histogram log format version 1.3]");
  }
}
