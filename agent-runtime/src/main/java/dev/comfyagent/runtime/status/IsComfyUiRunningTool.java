package dev.comfyagent.runtime.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.comfy.ComfyUiClient;
import dev.comfyagent.runtime.tool.InputSchema;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolResult;

/**
 * {@code is_comfyui_running}: whether ComfyUI answers now, and if not why not, with the circuit
 * breaker's state. Never fails: "not running" is an answer, not an error.
 */
final class IsComfyUiRunningTool implements Tool {

  private final ComfyUiClient client;

  IsComfyUiRunningTool(ComfyUiClient client) {
    this.client = client;
  }

  @Override
  public String name() {
    return "is_comfyui_running";
  }

  @Override
  public String description() {
    return "Check whether ComfyUI is reachable now. Answers yes with its version and GPU, or no"
        + " with the reason (refused, timed out, errors) and the circuit breaker state, which"
        + " says when the runtime will try again.";
  }

  @Override
  public ObjectNode inputSchema() {
    return InputSchema.object().build();
  }

  @Override
  public boolean readOnly() {
    return true;
  }

  @Override
  public ToolResult call(ObjectNode arguments, ToolContext context) {
    ObjectNode structured = JsonNodeFactory.instance.objectNode();
    structured.put("endpoint", client.endpoint());
    try {
      JsonNode stats = client.systemStats();
      structured.put("running", true);
      structured.put("breaker_state", client.breakerState());
      structured.put("comfyui_version", stats.path("system").path("comfyui_version").asText(""));
      JsonNode gpu = stats.path("devices").path(0);
      String device =
          gpu.isMissingNode()
              ? "no GPU reported"
              : GetSystemStatsTool.deviceName(gpu.path("name").asText("?"));
      return ToolResult.of(
          "Yes: ComfyUI "
              + stats.path("system").path("comfyui_version").asText("(version unknown)")
              + " is running at "
              + client.endpoint()
              + " ("
              + device
              + "); circuit breaker "
              + client.breakerState()
              + ".",
          structured);
    } catch (RuntimeException e) {
      structured.put("running", false);
      structured.put("breaker_state", safeBreakerState());
      structured.put("reason", String.valueOf(e.getMessage()));
      return ToolResult.of("No: " + e.getMessage(), structured);
    }
  }

  private String safeBreakerState() {
    try {
      return client.breakerState();
    } catch (RuntimeException e) {
      return "UNKNOWN";
    }
  }
}
