package dev.comfyagent.instrument.emit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comfyagent.instrument.record.TraceEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TraceLineEncoderTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter ISO_MILLIS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  @Test
  void stringsThatNeedEscapingReadBackAsTheyWere() throws Exception {
    String[] texts = {
      "quote \" and backslash \\",
      "new\nline\ttab\rreturn\bback\fform",
      "control \u0001\u001f end",
      "ünïcödé €uro 漢字",
      "emoji 😀 pair",
      "lone high \uD83D end",
      "lone low \uDE00 end",
      "/slash/ and </script>",
      ""
    };
    for (String text : texts) {
      JsonNode line = encode(event(0, text, "tool " + text, 1_000, "c-" + text, null));
      assertThat(line.path("input_summary").asText()).isEqualTo(text);
      if (!text.contains("lone")) {
        assertThat(line.path("tool_name").asText()).isEqualTo("tool " + text);
        assertThat(line.path("correlation_id").asText()).isEqualTo("c-" + text);
      } else {
        // a lone surrogate is not a character: it comes back as the same escaped code unit
        assertThat(line.path("tool_name").asText()).hasSize(("tool " + text).length());
      }
    }
  }

  @Test
  void timestampsMatchTheIsoFormatForAnyInstant() throws Exception {
    SplittableRandom random = new SplittableRandom(17);
    long[] fixed = {0L, 951_782_400_000L, 1_709_164_800_999L, 4_102_444_799_999L, 86_399_999L};
    for (long millis : fixed) {
      assertTimestamp(millis);
    }
    for (int i = 0; i < 2_000; i++) {
      assertTimestamp(random.nextLong(0, 253_402_300_799_999L));
    }
  }

  private static void assertTimestamp(long millis) throws Exception {
    JsonNode line = encode(event(millis, null, "t", 0, "c", null));
    assertThat(line.path("ts").asText())
        .as("epoch millis %d", millis)
        .isEqualTo(ISO_MILLIS.format(Instant.ofEpochMilli(millis)));
  }

  @Test
  void durationsAreMillisecondsWithThreeDecimalsNeverAnExponent() throws Exception {
    long[][] cases = {
      {0, 0}, {999, 0}, {1_000, 1}, {12_345_678, 12_345}, {-5_000, -5}, {3_600_000_000_000L, 0}
    };
    for (long[] c : cases) {
      String raw = line(event(0, null, "t", c[0], "c", null));
      String expected = java.math.BigDecimal.valueOf(c[0] / 1000, 3).toPlainString();
      assertThat(raw).contains("\"duration_ms\":" + expected + ",");
    }
  }

  @Test
  void jsonRpcIdsKeepTheirJsonType() throws Exception {
    assertThat(encode(event(0, null, "t", 0, "c", 7)).path("jsonrpc.request.id").isInt()).isTrue();
    assertThat(encode(event(0, null, "t", 0, "c", 1L << 40)).path("jsonrpc.request.id").asLong())
        .isEqualTo(1L << 40);
    JsonNode text = encode(event(0, null, "t", 0, "c", "req-\"1\""));
    assertThat(text.path("jsonrpc.request.id").asText()).isEqualTo("req-\"1\"");
    assertThat(encode(event(0, null, "t", 0, "c", null)).has("jsonrpc.request.id")).isFalse();
  }

  @Test
  void aReusedSlotWritesEachCallsOwnCorrelationId() throws Exception {
    // The agent's ids are 32 hex digits; a host's may be longer and need escaping. A slot holds one
    // call after another: a shorter or missing id after a longer one must not show its tail.
    String hosts = "order-7/\"render\"-" + "x".repeat(60);
    TraceLineEncoder lines = new TraceLineEncoder(null);
    TraceSlot slot = new TraceSlot();
    for (String id : new String[] {hosts, "4bf92f3577b34da6a3ce929d0e0e4736", "c", null}) {
      slot.copy(event(0, null, "t", 0, id, null));
      lines.line(slot);
    }
    List<JsonNode> read = new ArrayList<>();
    for (String line :
        new String(lines.bytes(), 0, lines.length(), StandardCharsets.UTF_8).split("\n")) {
      read.add(JSON.readTree(line));
    }
    assertThat(read)
        .extracting(line -> line.path("correlation_id").asText(null))
        .containsExactly(hosts, "4bf92f3577b34da6a3ce929d0e0e4736", "c", null);
    assertThat(read.get(3).has("correlation_id")).isTrue();
  }

  @Test
  void aFailedCallWithoutATypeStillSaysItFailed() throws Exception {
    TraceEvent failed =
        new TraceEvent(0, "c", "t", 0, false, null, 1, 0, null, false, null, null, null);
    JsonNode line = encode(failed);
    assertThat(line.path("success").asBoolean()).isFalse();
    assertThat(line.path("error.type").isNull()).isTrue();
    assertThat(line.path("input_summary").isNull()).isTrue();
  }

  @Test
  void charactersAreWrittenAsTheirUtf8BytesAndOnlyControlsAreEscaped() {
    // The neighbours of each UTF-8 length boundary, a space, and a surrogate pair.
    String text = " ~\u007f\u0080\u07ff\u0800\uffe9 \uD83D\uDE00 x";
    byte[] expected = ("\"input_summary\":\"" + text + "\"").getBytes(StandardCharsets.UTF_8);

    String raw = line(event(0, text, "t", 0, "c", null));

    assertThat(raw.getBytes(StandardCharsets.UTF_8)).containsSequence(expected);
    assertThat(raw).doesNotContain("\\u");
  }

  @Test
  void aSuccessfulCallSaysSo() throws Exception {
    JsonNode line = encode(event(0, null, "t", 0, "c", null));
    assertThat(line.path("success").isBoolean()).isTrue();
    assertThat(line.path("success").asBoolean()).isTrue();
  }

  @Test
  void jsonRpcIdsOfEveryNumericKindStayNumbers() throws Exception {
    assertThat(rpcId((short) 3).isIntegralNumber()).isTrue();
    assertThat(rpcId((byte) 4).asInt()).isEqualTo(4);
    assertThat(rpcId(Long.MIN_VALUE).asLong()).isEqualTo(Long.MIN_VALUE);
    assertThat(rpcId(new java.math.BigDecimal("1.50")).decimalValue()).isEqualByComparingTo("1.5");
    assertThat(rpcId(2.5d).asDouble()).isEqualTo(2.5d);
    assertThat(rpcId(Double.NaN).isNull()).isTrue();
    assertThat(rpcId(Boolean.TRUE).asBoolean()).isTrue();
  }

  private static JsonNode rpcId(Object id) throws Exception {
    return encode(event(0, null, "t", 0, "c", id)).path("jsonrpc.request.id");
  }

  @Test
  void aLineIsWholeWhereverTheBatchHasToGrowUnderIt() throws Exception {
    // Lines of every length from 0 to 700 summary chars cross the batch's first two growths at
    // every offset of a line: each write must make room for itself.
    for (int size = 0; size <= 700; size++) {
      TraceLineEncoder lines = new TraceLineEncoder(null);
      TraceSlot slot = new TraceSlot();
      slot.copy(event(1_764_000_000_123L, "y".repeat(size), "tool", 12_345_678, "c", 1L << 40));
      int count = 0;
      while (lines.length() < 40_000) {
        lines.line(slot);
        count++;
      }
      String text = new String(lines.bytes(), 0, lines.length(), StandardCharsets.UTF_8);
      String[] each = text.split("\n");
      assertThat(each).as("%d-char summaries", size).hasSize(count);
      assertThat(JSON.readTree(each[count - 1]).path("input_summary").asText()).hasSize(size);
    }
    // The same line after a first one of every length up to its own: every phase of the growth.
    TraceSlot line = new TraceSlot();
    line.copy(event(1_764_000_000_123L, null, "tool", 12_345_678, "c", 7));
    for (int first = 0; first < 400; first++) {
      TraceLineEncoder lines = new TraceLineEncoder(null);
      TraceSlot slot = new TraceSlot();
      slot.copy(event(0, "y".repeat(first), "t", 0, "c", null));
      lines.line(slot);
      while (lines.length() < 40_000) {
        lines.line(line);
      }
      String text = new String(lines.bytes(), 0, lines.length(), StandardCharsets.UTF_8);
      assertThat(text).as("after a %d-char summary", first).endsWith("\"jsonrpc.request.id\":7}\n");
      assertThat(text.split("\n")).allMatch(l -> l.startsWith("{\"ts\":") && l.endsWith("}"));
    }
  }

  @Test
  void aSummaryLongerThanTwiceTheBatchIsWrittenWhole() throws Exception {
    // 20,000 chars of 3 UTF-8 bytes each: 60 kB, past twice the initial 16 kB batch.
    String text = "\u20ac".repeat(20_000);
    assertThat(encode(event(0, text, "t", 0, "c", null)).path("input_summary").asText())
        .isEqualTo(text);
  }

  @Test
  void linesAccumulateInOneBatchUntilCleared() {
    TraceLineEncoder lines = new TraceLineEncoder(null);
    TraceSlot slot = new TraceSlot();
    slot.copy(event(0, "x".repeat(20_000), "t", 0, "c", null));
    lines.line(slot);
    lines.line(slot);
    assertThat(lines.lines()).isEqualTo(2);
    String text = new String(lines.bytes(), 0, lines.length(), StandardCharsets.UTF_8);
    assertThat(text.split("\n")).hasSize(2);
    lines.clear();
    assertThat(lines.length()).isZero();
    assertThat(lines.lines()).isZero();
  }

  private static TraceEvent event(
      long millis, String summary, String tool, long nanos, String correlation, Object id) {
    return new TraceEvent(
        millis, correlation, tool, nanos, true, summary, 1, 0, null, true, "s", id, null);
  }

  private static String line(TraceEvent event) {
    TraceLineEncoder lines = new TraceLineEncoder(null);
    TraceSlot slot = new TraceSlot();
    slot.copy(event);
    lines.line(slot);
    String text = new String(lines.bytes(), 0, lines.length(), StandardCharsets.UTF_8);
    assertThat(text).endsWith("\n").doesNotContain("\n\n");
    return text;
  }

  private static JsonNode encode(TraceEvent event) throws Exception {
    return JSON.readTree(line(event));
  }
}
