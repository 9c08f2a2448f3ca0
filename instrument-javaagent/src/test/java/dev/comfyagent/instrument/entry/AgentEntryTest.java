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

  @Test
  void aDefectWhileInstallingIsReportedOnOneLineAndTheHostRunsWithoutTheAgent() {
    String[] stderr = new String[1];
    boolean stops =
        stderrOf(
            () ->
                AgentEntry.stopsTheStart(
                    "trace=off",
                    new NoClassDefFoundError("dev/comfyagent/instrument/bootstrap/BridgeDispatch")),
            stderr);
    assertThat(stops).isFalse();
    assertThat(stderr[0].lines().toList())
        .singleElement()
        .asString()
        .startsWith(
            "comfy-agent: cannot start (java.lang.NoClassDefFoundError:"
                + " dev/comfyagent/instrument/bootstrap/BridgeDispatch at ")
        .endsWith("; the application runs without the agent");
  }

  @Test
  void aDefectWhileInstallingStopsTheStartWithStrict() {
    String[] stderr = new String[1];
    boolean stops =
        stderrOf(
            () -> AgentEntry.stopsTheStart("strict=true", new IllegalArgumentException("bug")),
            stderr);
    assertThat(stops).isTrue();
    assertThat(stderr[0])
        .startsWith("comfy-agent: cannot start (java.lang.IllegalArgumentException: bug")
        .endsWith("; stopping because strict=true" + System.lineSeparator());
  }

  @Test
  void theInstallersOwnStrictRefusalIsNotReportedTwice() {
    String[] stderr = new String[1];
    boolean stops =
        stderrOf(
            () ->
                AgentEntry.stopsTheStart(
                    "strict=true,trce=1",
                    new IllegalStateException("comfy-agent: unknown option 'trce'")),
            stderr);
    assertThat(stops).isTrue();
    assertThat(stderr[0]).isEmpty();
  }

  private static boolean stderrOf(java.util.function.BooleanSupplier action, String[] captured) {
    java.io.PrintStream original = System.err;
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      return action.getAsBoolean();
    } finally {
      System.setErr(original);
      captured[0] = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
  }
}
