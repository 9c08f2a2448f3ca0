package dev.comfyagent.runtime.status;

import dev.comfyagent.runtime.comfy.ComfyUiClient;
import dev.comfyagent.runtime.tool.Tool;
import java.util.List;

/**
 * The tools that say how ComfyUI is doing, whatever this runtime runs: {@code get_queue_status},
 * {@code get_system_stats}, {@code is_comfyui_running}.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * ExecutionTools execution = ExecutionTools.create(comfy, sessions, ExecutionSettings.defaults());
 * StatusTools.create(comfy, execution::connectionOf).forEach(registry::register);
 * }</pre>
 */
public final class StatusTools {

  private StatusTools() {}

  /**
   * The three tools.
   *
   * @param client the ComfyUI they ask
   * @param origins which connection queued a prompt, to mark a connection's own renders
   */
  public static List<Tool> create(ComfyUiClient client, PromptOrigins origins) {
    return List.of(
        new GetQueueStatusTool(client, origins),
        new GetSystemStatsTool(client),
        new IsComfyUiRunningTool(client));
  }
}
