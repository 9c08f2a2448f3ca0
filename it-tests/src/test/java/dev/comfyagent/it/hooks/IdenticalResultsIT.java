package dev.comfyagent.it.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.it.harness.PackagedJars;
import dev.comfyagent.it.harness.RuntimeServer;
import dev.comfyagent.simulator.ComfyUiSimulator;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Tool results with and without the agent are the same: one scripted session of twenty calls
 * (successes and errors, every capability) run three times against a fresh ComfyUI simulator each —
 * without the agent, with it and {@code gpu=off}, and with it and GPU figures from the simulator —
 * comparing every {@code CallToolResult} whole: its content, {@code isError}, {@code
 * structuredContent} and {@code _meta} keys.
 *
 * <p>What differs between any two runs of the runtime, agent or not, is masked, and only that: the
 * per-run directory and ComfyUI's port in paths and URLs, generated ids (prompt ids, correlation
 * ids), timestamps, and the measured render time ("Rendered in 0.3s" and the seconds in its
 * structured content). With GPU figures on, the only other difference allowed is the figures
 * inserted after the render time of {@code execute_workflow}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdenticalResultsIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern GPU_FIGURES =
      Pattern.compile("^(Rendered in <seconds>s) \\((?:GPU|VRAM): [^)]*\\)");

  private List<String> withoutAgent;
  private List<String> gpuOff;
  private List<String> gpuOn;
  private List<String> toolsCalled;

  @BeforeAll
  void runTheSessionThreeTimes() throws Exception {
    Path dir = PackagedJars.workDir("identical-results");
    Path emptyPath = Files.createDirectories(dir.resolve("empty-path"));
    withoutAgent = session(dir.resolve("plain"), null, emptyPath);
    gpuOff = session(dir.resolve("gpu-off"), "gpu=off", emptyPath);
    gpuOn = session(dir.resolve("gpu-on"), "gpu=auto", emptyPath);
  }

  @Test
  void everyResultIsIdenticalWithTheAgentAndGpuOff() {
    assertThat(gpuOff).hasSize(toolsCalled.size());
    for (int i = 0; i < withoutAgent.size(); i++) {
      assertThat(gpuOff.get(i))
          .as("call %d: %s", i + 1, toolsCalled.get(i))
          .isEqualTo(withoutAgent.get(i));
    }
  }

  @Test
  void withGpuFiguresOnlyTheRenderTimeOfExecuteWorkflowGainsThem() {
    for (int i = 0; i < withoutAgent.size(); i++) {
      String expected = withoutAgent.get(i);
      String actual = gpuOn.get(i);
      if (toolsCalled.get(i).equals("execute_workflow")) {
        assertThat(actual).contains("Rendered in <seconds>s (VRAM: ");
        assertThat(expected).doesNotContain("(VRAM: ").doesNotContain("(GPU: ");
        actual = withoutFigures(actual);
      }
      assertThat(actual).as("call %d: %s", i + 1, toolsCalled.get(i)).isEqualTo(expected);
    }
  }

  @Test
  void theSessionCoversSuccessesAndErrorsOfEveryCapability() {
    assertThat(toolsCalled)
        .contains(
            "load_workflow",
            "apply_workflow_patch",
            "search_nodes",
            "list_models",
            "execute_workflow",
            "save_session",
            "get_queue_status");
    assertThat(withoutAgent).anyMatch(r -> r.contains("\"isError\":true"));
    assertThat(withoutAgent).anyMatch(r -> r.contains("\"isError\":false"));
  }

  private List<String> session(Path dir, String agentOptions, Path emptyPath) {
    List<String> results = new ArrayList<>();
    List<String> tools = new ArrayList<>();
    try (ComfyUiSimulator comfy = ComfyUiSimulator.start(0)) {
      RuntimeServer.Builder builder =
          RuntimeServer.with(dir, comfy).env("PATH", emptyPath.toString());
      if (agentOptions != null) {
        builder.agent("output.dir=" + dir.resolve("logs") + "," + agentOptions);
      }
      try (RuntimeServer runtime = builder.start()) {
        String workflow = RuntimeServer.workflow();
        List<Map.Entry<String, Map<String, Object>>> calls =
            List.of(
                Map.entry("is_comfyui_running", Map.of()),
                Map.entry("load_workflow", Map.of("workflow", "{\"3\": {\"inputs\": {}}")),
                Map.entry("load_workflow", Map.of("workflow", workflow)),
                Map.entry("get_workflow_summary", Map.of()),
                Map.entry("validate_workflow", Map.of()),
                Map.entry("set_input", Map.of("node_id", "3", "input", "steps", "value", 12)),
                Map.entry("set_input", Map.of("node_id", "42", "input", "steps", "value", 12)),
                Map.entry(
                    "apply_workflow_patch",
                    Map.of(
                        "patch",
                        List.of(Map.of("op", "replace", "path", "/3/inputs/cfg", "value", 6.5)))),
                Map.entry(
                    "apply_workflow_patch",
                    Map.of("patch", List.of(Map.of("op", "remove", "path", "/99/inputs/seed")))),
                Map.entry("get_workflow_diff", Map.of()),
                Map.entry("undo_workflow_patch", Map.of()),
                Map.entry("search_nodes", Map.of("query", "upscale image")),
                Map.entry("get_node_info", Map.of("class_type", "KSampler")),
                Map.entry("get_node_info", Map.of("class_type", "KSamplr")),
                Map.entry("list_models", Map.of("folder", "checkpoints")),
                Map.entry("find_missing_nodes", Map.of()),
                Map.entry("execute_workflow", Map.of()),
                Map.entry("get_queue_status", Map.of()),
                Map.entry("save_session", Map.of("name", "harbour_dawn")),
                Map.entry("add_note", Map.of("text", "client wants more fog")),
                Map.entry("list_sessions", Map.of()));
        for (Map.Entry<String, Map<String, Object>> call : calls) {
          tools.add(call.getKey());
          results.add(normalized(runtime.call(call.getKey(), call.getValue()), dir, comfy.port()));
        }
      }
    }
    toolsCalled = tools;
    try {
      // Kept beside the run for reading a failure: one normalized result per line.
      Files.write(dir.resolve("normalized-results.jsonl"), results);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return results;
  }

  /** The whole result as JSON text, with what differs between any two runs masked. */
  private static String normalized(CallToolResult result, Path dir, int port) {
    ObjectNode json = JSON.createObjectNode();
    ArrayNode content = json.putArray("content");
    for (McpSchema.Content item : result.content()) {
      content.add(JSON.valueToTree(item));
    }
    json.put("isError", result.isError());
    json.set("structuredContent", JSON.valueToTree(result.structuredContent()));
    json.set(
        "metaKeys", JSON.valueToTree(result.meta() == null ? List.of() : result.meta().keySet()));
    String text = json.toString();
    text = text.replace(dir.toAbsolutePath().toString(), "<dir>");
    text = text.replace("127.0.0.1:" + port, "<comfyui>");
    text =
        text.replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uuid>");
    text = text.replaceAll("\\b[0-9a-f]{32}\\b", "<id>");
    text = text.replaceAll("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z", "<time>");
    text = text.replaceAll("Rendered in \\d+(\\.\\d+)?s", "Rendered in <seconds>s");
    text = text.replaceAll("\"seconds\":\\d+(\\.\\d+)?", "\"seconds\":<seconds>");
    return text;
  }

  private static String withoutFigures(String result) {
    int start = result.indexOf("\"text\":\"") + "\"text\":\"".length();
    Matcher figures = GPU_FIGURES.matcher(result.substring(start));
    assertThat(figures.find()).as(result).isTrue();
    return result.substring(0, start) + figures.replaceFirst("$1");
  }
}
