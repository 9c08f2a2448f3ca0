package dev.comfyagent.instrument.record;

import static org.assertj.core.api.Assertions.assertThatCode;

import dev.comfyagent.instrument.host.MethodHandleHostReader;
import org.junit.jupiter.api.Test;

class WarmUpTest {

  @Test
  void warmUpRunsTheHotPathWithoutTouchingRealFigures() {
    assertThatCode(() -> WarmUp.run(new MethodHandleHostReader())).doesNotThrowAnyException();
  }
}
