package dev.comfyagent.it.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comfyagent.it.harness.AgentOutput;
import dev.comfyagent.it.harness.PackagedJars;
import dev.comfyagent.it.harness.RuntimeServer;
import dev.comfyagent.simulator.ComfyUiSimulator;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The built-in memory probes on the packaged runtime, read after a known sequence of tool calls:
 * two sessions saved and loaded back, a workflow loaded into the second and patched three times,
 * three model folders listed, a node search. The probes must report what the runtime holds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MemoryProbesIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ComfyUiSimulator comfy;
  private JsonNode probes;
  private JsonNode sessions;
  private int modelFiles;
  private String statsText;
  private JsonNode finalMemory;
  private JsonNode linedWhileOpen;
  private int undoDepthReported;

  @BeforeAll
  void runTheSequence() {
    comfy = ComfyUiSimulator.builder().port(0).start();
    Path dir = PackagedJars.workDir("memory-probes");
    try (RuntimeServer runtime =
        RuntimeServer.with(dir.resolve("runtime"), comfy)
            .agent("output.dir=" + dir.resolve("logs") + ",gpu=off,metrics.interval=200ms")
            .start()) {
      String workflow = RuntimeServer.workflow();
      ok(runtime.call("load_workflow", Map.of("workflow", workflow)));
      ok(runtime.call("save_session", Map.of("name", "shot_010")));
      ok(runtime.call("save_session", Map.of("name", "shot_020")));
      ok(runtime.call("load_session", Map.of("name", "shot_010")));
      ok(runtime.call("load_session", Map.of("name", "shot_020")));
      ok(runtime.call("load_workflow", Map.of("workflow", workflow)));
      for (int seed = 1; seed <= 3; seed++) {
        CallToolResult patched =
            ok(
                runtime.call(
                    "apply_workflow_patch",
                    Map.of(
                        "patch",
                        List.of(
                            Map.of("op", "replace", "path", "/3/inputs/seed", "value", seed)))));
        undoDepthReported =
            JSON.valueToTree(patched.structuredContent()).path("undo_depth").asInt();
      }
      for (String folder : List.of("checkpoints", "loras", "vae")) {
        CallToolResult models = ok(runtime.call("list_models", Map.of("folder", folder)));
        modelFiles += JSON.valueToTree(models.structuredContent()).path("total").asInt();
      }
      ok(runtime.call("search_nodes", Map.of("query", "loader")));
      CallToolResult stats = ok(runtime.call("get_agent_stats", Map.of()));
      statsText = RuntimeServer.text(stats);
      JsonNode json = JSON.valueToTree(stats.structuredContent());
      probes = json.path("memory").path("probes");
      sessions = json.path("sessions");
      linedWhileOpen =
          new AgentOutput(dir.resolve("logs"))
              .awaitMetricsLine(
                  line ->
                      line.path("memory")
                              .path("probes")
                              .path("undo_history_depth")
                              .path("value")
                              .asInt()
                          == 3,
                  Duration.ofSeconds(30))
              .path("memory");
      runtime.stop();
    }
    finalMemory = new AgentOutput(dir.resolve("logs")).finalMetrics().path("memory");
  }

  @AfterAll
  void stopComfy() {
    comfy.close();
  }

  @Test
  void undoHistoryDepthIsTheThreePatchesOfTheLoadedSession() {
    assertThat(undoDepthReported).as("the runtime's own undo depth").isEqualTo(3);
    assertThat(probes.path("undo_history_depth").path("value").asInt()).isEqualTo(3);
    assertThat(probes.path("undo_history_depth").path("max").asInt()).isEqualTo(3);
    assertThat(probes.path("undo_history_depth").path("instances").asInt())
        .as("histories of open sessions, and of closed ones not yet collected")
        .isBetween(2, 3);
  }

  @Test
  void theSessionRegistryCountIsTheOneTheRegistryReports() {
    assertThat(probes.path("session_registry").path("value").asInt()).isEqualTo(2);
    assertThat(sessions.path("active").asInt())
        .as("the core's active-session figure reads the same registry")
        .isEqualTo(2);
  }

  @Test
  void theNodeCatalogHoldsEveryNodeTypeOfComfyUi() {
    assertThat(probes.path("node_catalog").path("value").asInt())
        .isEqualTo(comfy.nodeTypeCount())
        .isPositive();
  }

  @Test
  void theModelListsHoldTheFilesOfTheFoldersListed() {
    assertThat(modelFiles).isPositive();
    assertThat(probes.path("model_lists").path("value").asInt()).isEqualTo(modelFiles);
  }

  @Test
  void theDiscoveryCacheWasNeverReadSoItIsEmpty() {
    assertThat(probes.path("discovery_cache").path("value").asInt()).isZero();
    assertThat(probes.path("discovery_cache").path("instances").asInt()).isEqualTo(1);
  }

  @Test
  void theProbesAreInTheStatsTextAndInMetricsJsonl() {
    assertThat(statsText)
        .contains("node_catalog " + comfy.nodeTypeCount())
        .contains("session_registry 2")
        .contains("model_lists " + modelFiles)
        .containsPattern("undo_history_depth 3 \\([23] instances, largest 3\\)");
    // A line written while the sessions were open: the undo histories are held weakly, so the
    // final line (after the runtime dropped its sessions) finds them only if no GC ran since.
    JsonNode open = linedWhileOpen.path("probes");
    assertThat(open.path("node_catalog").path("value").asInt()).isEqualTo(comfy.nodeTypeCount());
    assertThat(open.path("undo_history_depth").path("max").asInt()).isEqualTo(3);
    JsonNode last = finalMemory.path("probes");
    // The catalog is held weakly too: on shutdown the runtime lets go of it, and a GC before the
    // final line collects it. The final line then counts no instance and has no value; while an
    // instance is left, it counts every node type.
    JsonNode catalogAtExit = last.path("node_catalog");
    assertThat(catalogAtExit.has("instances")).as(catalogAtExit.toString()).isTrue();
    if (catalogAtExit.path("instances").asInt() > 0) {
      assertThat(catalogAtExit.path("value").asInt()).isEqualTo(comfy.nodeTypeCount());
    } else {
      assertThat(catalogAtExit.path("value").isNull()).as(catalogAtExit.toString()).isTrue();
    }
    assertThat(last.has("undo_history_depth")).isTrue();
    assertThat(finalMemory.path("heap_used_bytes").asLong()).isPositive();
  }

  private static CallToolResult ok(CallToolResult result) {
    assertThat(result.isError()).as(RuntimeServer.text(result)).isFalse();
    return result;
  }
}
