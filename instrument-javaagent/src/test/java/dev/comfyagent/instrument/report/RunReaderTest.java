package dev.comfyagent.instrument.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.comfyagent.instrument.fleet.AgentFiles;
import dev.comfyagent.instrument.fleet.TimeWindow;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunReaderTest {

  @TempDir Path dir;

  private final SyntheticRun synthetic = new SyntheticRun();
  private Run run;

  @BeforeEach
  void readAKnownRun() throws Exception {
    synthetic.write(dir);
    run = RunReader.read(AgentFiles.find(List.of(dir)), TimeWindow.all(), 240);
  }

  @Test
  void countsComeFromTheLastMetricsLineAndLatenciesFromTheLogExactly() {
    Run.Tool load = run.tools.get("load_workflow");
    assertThat(load.calls).isEqualTo(synthetic.loadCalls);
    assertThat(load.err).isEqualTo(synthetic.loadErrors);
    assertThat(load.ok).isEqualTo(synthetic.loadCalls - synthetic.loadErrors);
    assertThat(run.latencySource).isEqualTo(Run.Source.HLOG);
    assertThat(run.countsSource).isEqualTo(Run.Source.METRICS);
    assertThat(load.latencies).isEqualTo(synthetic.loads);
    assertThat(load.p99).isEqualTo(synthetic.loads.getValueAtPercentile(99) / 1000.0);
    assertThat(load.max).isEqualTo(synthetic.loads.getMaxValue() / 1000.0);
  }

  @Test
  void callsAndErrorsPerBinAddUpToTheIntervals() {
    Run.Tool load = run.tools.get("load_workflow");
    assertThat(run.bins.widthMillis()).isEqualTo(60_000);
    assertThat(java.util.Arrays.stream(load.callsPerBin).sum()).isEqualTo(synthetic.loadCalls);
    assertThat(java.util.Arrays.stream(load.errorsPerBin).sum()).isEqualTo(synthetic.loadErrors);
    int openBin = run.bins.indexOf(SyntheticRun.T0 + 4 * 60_000L);
    assertThat(load.errorsPerBin[openBin]).isEqualTo(2);
    // the 2 s call of interval 7 is the max of its bin, not averaged away
    int slowBin = run.bins.indexOf(SyntheticRun.T0 + 8 * 60_000L);
    assertThat(load.perBin.max()[slowBin]).isGreaterThan(1_990);
  }

  @Test
  void theBreakerBandFollowsItsTransitions() {
    assertThat(run.breakers).hasSize(1);
    Run.BreakerTimeline breaker = run.breakers.get(0);
    assertThat(breaker.breaker()).isEqualTo("comfyui");
    assertThat(breaker.segments())
        .extracting(Run.Segment::state)
        .containsExactly("CLOSED", "OPEN", "HALF_OPEN", "CLOSED");
    assertThat(breaker.segments().get(1).fromMillis())
        .isEqualTo(SyntheticRun.T0 + 3 * 60_000 + 20_000);
    assertThat(breaker.transitions()).isEqualTo(3);
  }

  @Test
  void limitersSessionsMemoryAndGpuAreRead() {
    assertThat(run.limiterTotals.get("comfyui")).containsExactly(200, 4);
    assertThat(run.sessions.get(0).points().max()).isEqualTo(3);
    assertThat(run.probes.get("node_catalog").get(0).points().max()).isEqualTo(900);
    assertThat(run.heapMaxMiB).isEqualTo(2048);
    assertThat(run.gpuUtilization.get(0).points().max()).isEqualTo(97);
    assertThat(run.vramTotalGiB).isEqualTo(24);
    assertThat(run.renders).isEqualTo(synthetic.renders);
    assertThat(run.renderSpans).hasSize(synthetic.renders);
  }

  @Test
  void theSlowestChainsComeInOrderWithTheirCalls() {
    assertThat(run.slowestChains).hasSize(RunReader.SLOWEST_CHAINS);
    assertThat(run.slowestChains.get(0).correlationId()).isEqualTo("render-8");
    assertThat(run.slowestChains)
        .extracting(Run.Chain::totalMicros)
        .isSortedAccordingTo((a, b) -> Long.compare(b, a));
    Run.Chain slowLoad = RunReaderTest.find(run.slowestChains, "chain-07-00");
    assertThat(slowLoad.calls()).hasSize(1);
    assertThat(slowLoad.calls().get(0).inputSummary()).isEqualTo("path=<script>alert(1)</script>");
  }

  private static Run.Chain find(List<Run.Chain> chains, String id) {
    return chains.stream().filter(c -> c.correlationId().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void theProcessItsHealthAndTheBrokenLineAreReported() {
    assertThat(run.processes).containsOnlyKeys(SyntheticRun.INSTANCE);
    Run.Process process = run.processes.get(SyntheticRun.INSTANCE);
    assertThat(process.serviceName).isEqualTo("agent-runtime");
    assertThat(process.finalLine).isTrue();
    assertThat(process.metricsLines).isEqualTo(SyntheticRun.INTERVALS);
    assertThat(process.latencyIntervals).isEqualTo(SyntheticRun.INTERVALS);
    assertThat(run.agentTotal("trace_lines_dropped")).isEqualTo(3);
    assertThat(run.unreadable).hasSize(1);
    assertThat(run.unreadable.get(0).firstProblem()).contains("traces.jsonl line ");
  }

  @Test
  void aWindowCountsOnlyWhatEndsInsideIt() throws Exception {
    Run window =
        RunReader.read(
            AgentFiles.find(List.of(dir)),
            TimeWindow.parse("2026-11-25T10:03:00Z", "2026-11-25T10:05:00Z"),
            240);
    Run.Tool load = window.tools.get("load_workflow");
    assertThat(load.calls).isEqualTo(8 + 9); // intervals 3 and 4 end at 10:04 and 10:05
    assertThat(load.err).isEqualTo(2);
    assertThat(load.latencies.getTotalCount()).isEqualTo(17);
    assertThatThrownBy(
            () ->
                RunReader.read(
                    AgentFiles.find(List.of(dir)),
                    TimeWindow.parse("2030-01-01T00:00:00Z", null),
                    240))
        .hasMessageContaining("no data between --since and --until");
  }
}
