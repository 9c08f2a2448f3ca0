package dev.comfyagent.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfyagent.it.harness.AgentOutput;
import dev.comfyagent.it.harness.PackagedJars;
import dev.comfyagent.it.harness.RuntimeServer;
import dev.comfyagent.simulator.ComfyUiSimulator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The packaged runtime under the packaged agent: a secret set through a tool input whose name looks
 * secret ({@code set_input {"input":"api_key"}}) or through a patch to {@code /…/inputs/api_key}
 * ({@code apply_workflow_patch}, {@code preview_workflow_patch}) never reaches the agent's files,
 * though the argument keys themselves ({@code input}, {@code value}, {@code patch}) are harmless.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecretInputsRedactedIT {

  private static final String SECRET = "sk-live-9f8e7d6c5b4a";

  private ComfyUiSimulator comfy;
  private Path logs;
  private AgentOutput output;

  @BeforeAll
  void setSecretsThroughInputsAndPatches() {
    comfy = ComfyUiSimulator.builder().port(0).stepDelay(Duration.ofMillis(2)).start();
    Path dir = PackagedJars.workDir("secret-inputs");
    logs = dir.resolve("logs");
    try (RuntimeServer runtime =
        RuntimeServer.with(dir.resolve("runtime"), comfy)
            .agent("output.dir=" + logs + ",gpu=off")
            .start()) {
      runtime.mcp().call("load_workflow", Map.of("workflow", RuntimeServer.workflow()), Map.of());
      runtime
          .mcp()
          .call("set_input", Map.of("node_id", "4", "input", "api_key", "value", SECRET), Map.of());
      List<Map<String, Object>> patch =
          List.of(Map.of("op", "add", "path", "/4/inputs/api_key", "value", SECRET));
      runtime.mcp().call("preview_workflow_patch", Map.of("patch", patch), Map.of());
      runtime.mcp().call("apply_workflow_patch", Map.of("patch", patch), Map.of());
      runtime.stop();
    }
    output = new AgentOutput(logs);
  }

  @AfterAll
  void stopComfy() {
    comfy.close();
  }

  @Test
  void eachCallIsTracedWithTheSecretValueRedacted() {
    JsonNode setInput = output.tracesOf("set_input").get(0);
    assertThat(setInput.path("input_summary").asText())
        .contains("input=api_key")
        .contains("value=[redacted]");
    for (String tool : List.of("preview_workflow_patch", "apply_workflow_patch")) {
      assertThat(output.tracesOf(tool).get(0).path("input_summary").asText())
          .as(tool)
          .contains("path=/4/inputs/api_key")
          .contains("value=[redacted]");
    }
  }

  @Test
  void theSecretIsInNoFileTheAgentWrote() throws IOException {
    try (Stream<Path> files = Files.walk(logs)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        assertThat(Files.readString(file, StandardCharsets.UTF_8))
            .as(file.toString())
            .doesNotContain(SECRET);
      }
    }
    assertThat(output.traces()).isNotEmpty();
  }
}
