package dev.comfyagent.instrument.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LatencyLogReaderTest {

  @TempDir Path dir;

  @Test
  void aLogOfAnotherToolWithRelativeTimesAndNoTagsIsReadByHdrHistogramsRules() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    HistogramLogWriter writer =
        new HistogramLogWriter(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    writer.outputStartTime(1_764_065_730_000L);
    writer.outputLegend();
    Histogram h = new Histogram(3);
    h.recordValue(12_345);
    writer.outputIntervalHistogram(5.0, 15.0, h, 1000.0);
    Path file = dir.resolve("other.hlog");
    Files.write(file, bytes.toByteArray());

    List<LatencyLogReader.Interval> read = new ArrayList<>();
    LatencyLogReader.Outcome outcome = LatencyLogReader.read(file, read::add);
    assertThat(outcome.intervals()).isEqualTo(1);
    assertThat(outcome.skippedLines()).isZero();
    LatencyLogReader.Interval interval = read.get(0);
    assertThat(interval.tool()).isEqualTo(LatencyLogReader.UNTAGGED);
    assertThat(interval.instanceId()).isEqualTo("other.hlog");
    assertThat(interval.startMillis()).isEqualTo(1_764_065_735_000L);
    assertThat(interval.endMillis()).isEqualTo(1_764_065_745_000L);
    assertThat(interval.histogram().getTotalCount()).isEqualTo(1);
  }

  @Test
  void eachProcessesLinesBelongToTheIdentityOfItsHeader() throws Exception {
    Path file = dir.resolve("latency.hlog");
    String payload = payload(7);
    Files.writeString(
        file,
        "#[StartTime: 100.000 (seconds since epoch)]\n"
            + "#[BaseTime: 0.000 (seconds since epoch)]\n"
            + "#{\"service.name\":\"a\",\"service.instance.id\":\"host-1-A\",\"extra\":{\"x\":[1]}}\n"
            + "Tag=t,1764065730.000,1.000,0.007,"
            + payload
            + "\n"
            + "#[StartTime: 200.000 (seconds since epoch)]\n"
            + "#[BaseTime: 0.000 (seconds since epoch)]\n"
            + "#{\"service.instance.id\":\"host-1-B\"}\n"
            + "Tag=t%2Cx,1764065790.000,1.000,0.007,"
            + payload
            + "\n");
    List<LatencyLogReader.Interval> read = new ArrayList<>();
    LatencyLogReader.read(file, read::add, true);
    assertThat(read)
        .extracting(LatencyLogReader.Interval::instanceId)
        .containsExactly("host-1-A", "host-1-B");
    assertThat(read).extracting(LatencyLogReader.Interval::serviceName).containsExactly("a", null);
    assertThat(read).extracting(LatencyLogReader.Interval::tool).containsExactly("t", "t,x");
    assertThat(read.get(0).histogram()).isNull();
    assertThat(LatencyLogReader.decode(read.get(1).payload()).getTotalCount()).isEqualTo(1);
  }

  @Test
  void linesThatCannotBeReadAreSkippedCountedAndTheFirstNamed() throws Exception {
    Path file = dir.resolve("latency.hlog");
    Files.writeString(
        file,
        "#[BaseTime: 0.000 (seconds since epoch)]\n"
            + "Tag=t,1764065730.000,1.000,0.007,"
            + payload(7)
            + "\n"
            + "Tag=t,abc,1.000,0.007,xyz\n"
            + "Tag=cut\n"
            + "Tag=t,1764065731.000,1.000\n"
            + "Tag=t,1764065732.000,1.000,0.007,HISTFAAAA");
    List<LatencyLogReader.Interval> read = new ArrayList<>();
    LatencyLogReader.Outcome outcome = LatencyLogReader.read(file, read::add);
    assertThat(read).hasSize(1);
    assertThat(outcome.skippedLines()).isEqualTo(4);
    assertThat(outcome.firstProblem()).contains("latency.hlog line 3").contains("not a number");
  }

  private static String payload(long value) {
    Histogram h = new Histogram(1, 3_600_000_000L, 2);
    h.recordValue(value);
    java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int length = h.encodeIntoCompressedByteBuffer(buffer);
    return java.util.Base64.getEncoder()
        .encodeToString(java.util.Arrays.copyOf(buffer.array(), length));
  }
}
