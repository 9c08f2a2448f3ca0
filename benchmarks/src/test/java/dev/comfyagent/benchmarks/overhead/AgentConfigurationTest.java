package dev.comfyagent.benchmarks.overhead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AgentConfigurationTest {

  @Test
  void theBenchmarksOwnPropertiesLieOutsideTheAgentsNamespace() {
    // JMH starts each fork with the suite's own JVM arguments, so a -D given to the suite reaches
    // the agent too, which reads every comfyagent.* system property as one of its options and, in
    // strict mode, stops the fork at one it does not know (it did, for comfyagent.agent.jar).
    assertThat(List.of(AgentJars.AGENT_JAR_PROPERTY, AgentConfiguration.AGENT_OPTIONS_PROPERTY))
        .noneMatch(property -> property.startsWith("comfyagent."));
  }

  private static final Path AGENT = Path.of("/opt/instrument-javaagent-0.1.0.jar");
  private static final Path OTEL = Path.of("/opt/agents/opentelemetry-javaagent.jar");
  private static final Path OUTPUT = Path.of("/tmp/agent-out");

  private static List<String> argsOf(AgentConfiguration c) {
    return c.jvmArgs(c == AgentConfiguration.OPENTELEMETRY ? OTEL : AGENT, OUTPUT);
  }

  @ParameterizedTest
  @EnumSource(AgentConfiguration.class)
  void aForkStartedWithTheConfigurationsArgumentsPassesItsCheck(AgentConfiguration c) {
    List<String> jvm = new ArrayList<>(List.of("-Xmx1g", "-XX:+UseG1GC"));
    jvm.addAll(argsOf(c));
    assertThatCode(() -> c.verifyAttached(jvm)).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @EnumSource(AgentConfiguration.class)
  void aForkWithAnotherConfigurationsAgentFailsNamingBoth(AgentConfiguration c) {
    for (AgentConfiguration other : AgentConfiguration.values()) {
      if (other != c) {
        assertThatThrownBy(() -> c.verifyAttached(argsOf(other)))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining(c.id())
            .hasMessageContaining("BenchmarkSuite");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(AgentConfiguration.class)
  void aForkRunningExactlyItsAgentPassesTheRunningCheck(AgentConfiguration c) {
    assertThatCode(() -> c.verifyRunning(c.needsAgentJar(), c == AgentConfiguration.OPENTELEMETRY))
        .doesNotThrowAnyException();
  }

  @ParameterizedTest
  @EnumSource(AgentConfiguration.class)
  void aForkRunningAnyOtherSetOfAgentsFailsTheRunningCheck(AgentConfiguration c) {
    boolean[] values = {false, true};
    for (boolean ours : values) {
      for (boolean otel : values) {
        if (ours != c.needsAgentJar() || otel != (c == AgentConfiguration.OPENTELEMETRY)) {
          assertThatThrownBy(() -> c.verifyRunning(ours, otel))
              .isInstanceOf(IllegalStateException.class)
              .hasMessageContaining(c.id());
        }
      }
    }
  }

  @Test
  void thisJvmRunsNoAgent() {
    // The tests run without -javaagent: the detection must say so rather than guess.
    assertThatCode(() -> AgentConfiguration.NONE.verifyRunning()).doesNotThrowAnyException();
  }

  @Test
  void thisAgentRunsStrictWithItsTracingSwitchAndOutputDirectory() {
    assertThat(argsOf(AgentConfiguration.AGENT_TRACE_ON))
        .singleElement()
        .asString()
        .startsWith("-javaagent:" + AGENT.toAbsolutePath() + "=trace=on,")
        .contains("strict=true")
        .contains("output.dir=" + OUTPUT.toAbsolutePath());
    assertThat(argsOf(AgentConfiguration.AGENT_TRACE_OFF))
        .singleElement()
        .asString()
        .contains("=trace=off,");
  }

  @Test
  void openTelemetryInstrumentsTheToolsCallAndExportsNothing() {
    assertThat(argsOf(AgentConfiguration.OPENTELEMETRY))
        .contains(
            "-javaagent:" + OTEL.toAbsolutePath(),
            "-Dotel.instrumentation.methods.include="
                + ConstantResultTool.class.getName()
                + "[call]",
            "-Dotel.traces.exporter=none",
            "-Dotel.metrics.exporter=none",
            "-Dotel.logs.exporter=none");
  }

  @Test
  void noAgentMeansNoArguments() {
    assertThat(argsOf(AgentConfiguration.NONE)).isEmpty();
  }

  @Test
  void unknownIdNamesTheValidOnes() {
    assertThatThrownBy(() -> AgentConfiguration.byId("datadog"))
        .hasMessageContaining("datadog")
        .hasMessageContaining("agent-trace-on");
  }

  @Test
  void idsRoundTrip() {
    for (AgentConfiguration c : AgentConfiguration.values()) {
      assertThat(AgentConfiguration.byId(c.id())).isSameAs(c);
    }
  }

  @Test
  void readsTheAgentsOutputDirectoryFromItsOptions() {
    List<String> jvm = argsOf(AgentConfiguration.AGENT_TRACE_ON);
    assertThat(AgentOverheadBenchmark.outputDir(jvm)).isEqualTo(OUTPUT.toAbsolutePath());
  }
}
