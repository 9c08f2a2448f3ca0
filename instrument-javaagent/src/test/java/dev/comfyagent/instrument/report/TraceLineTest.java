package dev.comfyagent.instrument.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TraceLineTest {

  private static final String LINE =
      "{\"ts\":\"2026-11-25T10:15:30.123Z\",\"correlation_id\":\"4bf92f\",\"tool_name\":\"load_workflow\","
          + "\"duration_ms\":12.345,\"success\":false,\"input_summary\":\"path=/w.json, api_token=[redacted]\","
          + "\"seq\":2,\"parent\":1,\"error.type\":\"tool_error\",\"mcp.method.name\":\"tools/call\","
          + "\"jsonrpc.request.id\":{\"odd\":[1,2]},\"service.instance.id\":\"h-1-x\"}   ";

  @Test
  void readsTheFieldsTheReportUses() throws Exception {
    TraceLine line = new TraceLine();
    byte[] bytes = LINE.getBytes(StandardCharsets.UTF_8);
    line.read(bytes, 0, bytes.length, true);
    assertThat(line.startMillis)
        .isEqualTo(java.time.Instant.parse("2026-11-25T10:15:30.123Z").toEpochMilli());
    assertThat(line.endMillis()).isEqualTo(line.startMillis + 12);
    assertThat(line.tool).isEqualTo("load_workflow");
    assertThat(line.micros).isEqualTo(12_345);
    assertThat(line.success).isFalse();
    assertThat(line.root).isFalse();
    assertThat(line.parent).isEqualTo(1);
    assertThat(line.seq).isEqualTo(2);
    assertThat(line.correlationId).isEqualTo("4bf92f");
    assertThat(line.correlationHash).isEqualTo(TraceLine.hash("4bf92f"));
    assertThat(line.errorType).isEqualTo("tool_error");
    assertThat(line.inputSummary).isEqualTo("path=/w.json, api_token=[redacted]");
    assertThat(line.instance).isEqualTo("h-1-x");
  }

  @Test
  void theQuickReadLeavesSummariesUnread() throws Exception {
    TraceLine line = new TraceLine();
    byte[] bytes = LINE.getBytes(StandardCharsets.UTF_8);
    line.read(bytes, 0, bytes.length, false);
    assertThat(line.inputSummary).isNull();
    assertThat(line.correlationId).isNull();
    assertThat(line.correlationHash).isEqualTo(TraceLine.hash("4bf92f"));
  }

  @Test
  void aCutOrIncompleteLineIsRefused() {
    TraceLine line = new TraceLine();
    byte[] cut = LINE.substring(0, 80).getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> line.read(cut, 0, cut.length, false))
        .isInstanceOf(java.io.IOException.class);
    byte[] partial = "{\"ts\":\"2026-11-25T10:15:30.123Z\"}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> line.read(partial, 0, partial.length, false))
        .hasMessageContaining("needs ts, tool_name and duration_ms");
    byte[] badTime =
        "{\"ts\":\"later\",\"tool_name\":\"t\",\"duration_ms\":1}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> line.read(badTime, 0, badTime.length, false))
        .hasMessageContaining("later");
  }
}
