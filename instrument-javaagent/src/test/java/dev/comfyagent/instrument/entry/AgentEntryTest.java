package dev.comfyagent.instrument.entry;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AgentEntryTest {

  @Test
  void theEntryRefusesToRunOutsideAJar() {
    assertThatThrownBy(AgentEntry::agentJar).hasMessageContaining("is not the agent jar");
  }
}
