package dev.comfyagent.instrument.entry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AgentEntryTest {

  @Test
  void theEntryRefusesToRunOutsideAJar() {
    assertThatThrownBy(AgentEntry::agentJar).hasMessageContaining("is not the agent jar");
  }

  /**
   * When the agent's own classes cannot be loaded the entry decides alone whether to stop the JVM,
   * by the same rule as the options: strict as a system property counts too, and a malformed option
   * string does not hide it.
   */
  @Test
  void strictAsASystemPropertyStopsTheStartWhateverTheOptionString() {
    String before = System.getProperty("comfyagent.strict");
    System.setProperty("comfyagent.strict", "true");
    try {
      assertThat(AgentEntry.strictRequested("trace=on,verbose")).isTrue();
      assertThat(AgentEntry.strictRequested(null)).isTrue();
      assertThat(AgentEntry.strictRequested("strict=off")).isFalse();
    } finally {
      if (before == null) {
        System.clearProperty("comfyagent.strict");
      } else {
        System.setProperty("comfyagent.strict", before);
      }
    }
    assertThat(AgentEntry.strictRequested("trace=on, strict = YES ,verbose")).isTrue();
  }
}
