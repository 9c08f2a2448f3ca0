package dev.comfyagent.instrument.record;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfyagent.instrument.host.MethodHandleHostReader;
import org.junit.jupiter.api.Test;

class WarmUpTest {

  @Test
  void warmUpRunsTheHotPathOnFiguresOfItsOwnWithoutAnError() {
    WarmUp.Outcome outcome = WarmUp.run(new MethodHandleHostReader());

    // every round timed the stand-in tool, by the name read from it, in both trackers
    assertThat(outcome.toolCalls()).isEqualTo(2L * WarmUp.ROUNDS);
    // the tracing tracker produced an event per call (the tool's and the nested one's)
    assertThat(outcome.traceEvents()).isEqualTo(2L * WarmUp.ROUNDS);
    // the quiet health counter swallowed nothing
    assertThat(outcome.internalErrors()).isZero();
  }

  @Test
  void warmUpRunsWhenTheHostHasMadeNoCallYet() {
    ToolStatsRegistry hostCalls = new ToolStatsRegistry(8);

    WarmUp.Outcome outcome = WarmUp.runUnlessCalled(new MethodHandleHostReader(), hostCalls);

    assertThat(outcome).isNotNull();
    assertThat(outcome.toolCalls()).isEqualTo(2L * WarmUp.ROUNDS);
    // its stand-in calls never reach the host's figures
    assertThat(hostCalls.size()).isZero();
  }

  @Test
  void warmUpIsSkippedOnceTheHostHasMadeACall() {
    ToolStatsRegistry hostCalls = new ToolStatsRegistry(8);
    hostCalls.forName("load_workflow").record(1_000, true);

    WarmUp.Outcome outcome = WarmUp.runUnlessCalled(new MethodHandleHostReader(), hostCalls);

    // the host's calls warmed the path: the stand-in would only pollute what the JIT learned
    assertThat(outcome).isNull();
    assertThat(hostCalls.find(WarmUp.TOOL_NAME)).isEmpty();
  }
}
