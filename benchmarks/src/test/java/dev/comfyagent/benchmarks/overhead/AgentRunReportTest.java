package dev.comfyagent.benchmarks.overhead;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AgentRunReportTest {

  @TempDir Path dir;

  private static String metricsLine(String type, long calls, long written, long errors) {
    return "{\"ts\":\"2026-11-25T09:51:59.082Z\",\"type\":\""
        + type
        + "\",\"pid\":1,\"total\":{\"tools\":{\""
        + ConstantResultTool.NAME
        + "\":{\"calls\":"
        + calls
        + ",\"ok\":"
        + calls
        + ",\"err\":0}}},\"agent\":{\"classes_instrumented\":1,\"instrumentation_failures\":0,"
        + "\"trace_lines_written\":"
        + written
        + ",\"trace_lines_dropped\":7,\"internal_errors\":"
        + errors
        + "}}";
  }

  @Test
  void readsTheLastFinalLineIgnoringPaddingAndEarlierForks() throws IOException {
    Files.writeString(
        dir.resolve(AgentRunReport.METRICS_FILE),
        metricsLine("final", 10, 10, 0)
            + "\n"
            + metricsLine("interval", 20, 20, 0)
            + "\n"
            + metricsLine("final", 30, 25, 0)
            + "      \n");

    assertThat(AgentRunReport.read(dir)).contains(new AgentRunReport(30, 25, 7, 1, 0));
  }

  @Test
  void noMetricsFileOrNoFinalLineIsNoReport() throws IOException {
    assertThat(AgentRunReport.read(dir)).isEmpty();

    Files.writeString(dir.resolve(AgentRunReport.METRICS_FILE), metricsLine("interval", 1, 1, 0));
    assertThat(AgentRunReport.read(dir)).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(
      value = AgentConfiguration.class,
      names = {"AGENT_TRACE_OFF", "AGENT_TRACE_ON"})
  void anAgentThatCountedNoCallIsAProblem(AgentConfiguration c) {
    assertThat(new AgentRunReport(0, 0, 0, 1, 0).problem(c))
        .hasValueSatisfying(p -> assertThat(p).contains("no call"));
  }

  @Test
  void tracingOnWithoutTraceLinesIsAProblem() {
    assertThat(new AgentRunReport(100, 0, 0, 1, 0).problem(AgentConfiguration.AGENT_TRACE_ON))
        .hasValueSatisfying(p -> assertThat(p).contains("no trace line"));
    assertThat(new AgentRunReport(100, 90, 10, 1, 0).problem(AgentConfiguration.AGENT_TRACE_ON))
        .isEmpty();
  }

  @Test
  void aPacedTracedRunThatDroppedMoreThanATenthOfItsCallsIsAProblem() {
    AgentRunReport mostlyDropped = new AgentRunReport(1000, 800, 201, 1, 0);
    assertThat(mostlyDropped.problem(AgentConfiguration.AGENT_TRACE_ON, true))
        .hasValueSatisfying(p -> assertThat(p).contains("201 of 1,001 traced calls were dropped"));
    // Back to back, dropping is expected: only the paced run promises queued calls.
    assertThat(mostlyDropped.problem(AgentConfiguration.AGENT_TRACE_ON, false)).isEmpty();
    assertThat(
            new AgentRunReport(1000, 900, 100, 1, 0)
                .problem(AgentConfiguration.AGENT_TRACE_ON, true))
        .isEmpty();
  }

  @Test
  void tracingOffWithTraceLinesIsAProblem() {
    assertThat(new AgentRunReport(100, 0, 3, 1, 0).problem(AgentConfiguration.AGENT_TRACE_OFF))
        .hasValueSatisfying(p -> assertThat(p).contains("tracing is off"));
    assertThat(new AgentRunReport(100, 0, 0, 1, 0).problem(AgentConfiguration.AGENT_TRACE_OFF))
        .isEmpty();
  }

  @Test
  void internalErrorsAreAProblem() {
    assertThat(new AgentRunReport(100, 0, 0, 1, 2).problem(AgentConfiguration.AGENT_TRACE_OFF))
        .hasValueSatisfying(p -> assertThat(p).contains("2 internal errors"));
  }

  @Test
  void summaryNamesEveryFigure() {
    assertThat(new AgentRunReport(1_234_567, 1000, 20, 1, 0).summary())
        .contains("1,234,567 calls counted")
        .contains("1,000 trace lines written")
        .contains("20 dropped")
        .contains("0 internal errors");
  }
}
