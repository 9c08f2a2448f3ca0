package dev.comfyagent.it.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfyagent.it.harness.AgentOutput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The runtime's own unit test suite ran a second time, in a JVM started with the packaged agent
 * (the {@code runtime-suite-under-agent} execution of this module, before the integration tests):
 * it passed unchanged (else the build stopped there), and this checks that the agent was really
 * there and observed it — it wove the runtime's classes, counted the tool calls the suite made, and
 * swallowed no error.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RuntimeSuiteUnderAgentIT {

  private JsonNode last;

  @BeforeAll
  void readTheAgentsOutput() {
    String logs = System.getProperty("comfyagent.it.runtimeSuiteLogs", "");
    Path dir = Path.of(logs);
    assertThat(Files.isRegularFile(dir.resolve("metrics.jsonl")))
        .as(
            "%s/metrics.jsonl: the runtime's suite runs under the agent in this module's"
                + " runtime-suite-under-agent execution; run the build without -Dtest",
            dir)
        .isTrue();
    last = new AgentOutput(dir).finalMetrics();
  }

  @Test
  void theAgentWoveTheRuntimeAndCountedTheToolCallsOfItsSuite() {
    assertThat(last.path("agent").path("classes_instrumented").asLong()).isPositive();
    JsonNode tools = last.path("total").path("tools");
    for (String tool :
        List.of("load_workflow", "apply_workflow_patch", "search_nodes", "save_session")) {
      assertThat(tools.path(tool).path("calls").asLong()).as(tool).isPositive();
    }
    assertThat(tools.path("load_workflow").path("err").asLong())
        .as("the suite's failing calls are counted as failures")
        .isPositive();
  }

  @Test
  void theAgentSwallowedNoErrorWhileTheSuiteRan() {
    assertThat(last.path("agent").path("internal_errors").asLong()).isZero();
    assertThat(last.path("agent").path("instrumentation_failures").asLong()).isZero();
  }

  @Test
  void theHooksThatChangeWhatClientsSeeWereOff() {
    assertThat(last.path("gpu").path("mode").asText()).isEqualTo("off");
  }
}
