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
}
