package dev.comfyagent.it.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfyagent.it.harness.AgentOutput;
import dev.comfyagent.it.harness.ChildJvm;
import dev.comfyagent.it.harness.PackagedJars;
import dev.comfyagent.it.harness.RuntimeServer;
import dev.comfyagent.simulator.ComfyUiSimulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code java -jar instrument-javaagent.jar attach <pid>} on a runtime started without the agent
 * and already serving a client: the calls made after the attach show up in metrics.jsonl and
 * traces.jsonl, the calls before it do not, and the server's tool list stays as it was.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AttachToRunningRuntimeIT {

  private ComfyUiSimulator comfy;
  private String attachOutput;
  private String attachErrors;
  private int attachStatus;
  private List<String> toolsBefore;
  private List<String> toolsAfter;
  private List<String> unparsableStdout;
  private String runtimeStderr;
  private AgentOutput output;

  @BeforeAll
  void attachWhileServing() {
    comfy = ComfyUiSimulator.start(0);
    Path dir = PackagedJars.workDir("attach");
    Path logs = dir.resolve("logs");
    try (RuntimeServer runtime = RuntimeServer.with(dir.resolve("runtime"), comfy).start()) {
      toolsBefore = runtime.toolNames();
      runtime.call("load_workflow", Map.of("workflow", RuntimeServer.workflow()));
      runtime.call("get_workflow_summary", Map.of());

      try (ChildJvm attach =
          ChildJvm.java()
              .jar(PackagedJars.agentJar())
              .args(
                  "attach",
                  Long.toString(runtime.jvm().process().pid()),
                  "output.dir=" + logs,
                  "gpu=off")
              .workDir(dir)
              .start()) {
        attachStatus = attach.waitFor(Duration.ofSeconds(120));
        attachOutput = attach.stdout();
        attachErrors = attach.stderr();
      }

      runtime.call("load_workflow", Map.of("workflow", RuntimeServer.workflow()));
      runtime.call("search_nodes", Map.of("query", "sampler"));
      runtime.call("search_nodes", Map.of("query", "vae"));
      runtime.call("set_input", Map.of("node_id", "3", "input", "steps", "value", 12));
      runtime.call("set_input", Map.of("node_id", "42", "input", "steps", "value", 12));
      runtime.call("execute_workflow", Map.of());
      toolsAfter = runtime.toolNames();
      runtime.stop();
      unparsableStdout = runtime.mcp().unparsableStdout();
      runtimeStderr = runtime.jvm().stderr();
    }
    output = new AgentOutput(logs);
  }

  @AfterAll
  void stopComfy() {
    comfy.close();
  }

  @Test
  void theCommandLoadsTheAgentAndSaysWhatCannotWorkAfterStartup() {
    assertThat(attachStatus).as(attachErrors).isZero();
    assertThat(attachOutput)
        .contains("Loaded instrument-javaagent ")
        .contains("(agent-runtime, Java ")
        .contains("options:     output.dir=")
        .contains("What cannot work after startup:")
        .contains("get_agent_stats cannot be added to an MCP server that was already built");
  }

  @Test
  void callsAfterTheAttachAreInMetricsAndCallsBeforeAreNot() {
    JsonNode tools = output.finalMetrics().path("total").path("tools");
    assertThat(tools.path("load_workflow").path("calls").asLong()).isEqualTo(1);
    assertThat(tools.path("search_nodes").path("calls").asLong()).isEqualTo(2);
    assertThat(tools.path("set_input").path("calls").asLong()).isEqualTo(2);
    assertThat(tools.path("set_input").path("err").asLong()).isEqualTo(1);
    assertThat(tools.path("execute_workflow").path("ok").asLong()).isEqualTo(1);
    assertThat(tools.has("get_workflow_summary")).isFalse();
    assertThat(output.finalMetrics().path("agent").path("internal_errors").asLong()).isZero();
  }

  @Test
  void callsAfterTheAttachAreTracedAsToolCallsOverMcp() {
    assertThat(output.traces()).hasSize(6);
    assertThat(output.tracesOf("search_nodes"))
        .allSatisfy(
            t -> {
              assertThat(t.path("mcp.method.name").asText()).isEqualTo("tools/call");
              assertThat(t.path("correlation_id").asText()).isNotBlank();
              assertThat(t.path("success").asBoolean()).isTrue();
            });
  }

  @Test
  void sessionsAndMemoryProbesAreFoundFromTheirFirstUseAfterTheAttach() {
    JsonNode last = output.finalMetrics();
    assertThat(last.path("interval").path("sessions_peak").asInt())
        .as("the session opened before the attach, counted from the first call after it")
        .isEqualTo(1);
    assertThat(last.path("sessions").path("active").asInt())
        .as("the final line is written after the client left and the runtime closed its sessions")
        .isZero();
    JsonNode probes = last.path("memory").path("probes");
    assertThat(probes.path("node_catalog").path("value").asInt()).isEqualTo(comfy.nodeTypeCount());
    assertThat(probes.path("session_registry").path("instances").asInt()).isEqualTo(1);
    assertThat(probes.path("undo_history_depth").path("value").asInt())
        .as("the undo history built before the attach, found when set_input used it")
        .isEqualTo(1);
  }

  @Test
  void theServersToolListStaysAsItWasAndStdoutCarriesOnlyJsonRpc() {
    assertThat(toolsAfter).isEqualTo(toolsBefore).doesNotContain("get_agent_stats");
    assertThat(unparsableStdout).isEmpty();
    assertThat(runtimeStderr).doesNotContain("comfy-agent: internal error");
  }
}
