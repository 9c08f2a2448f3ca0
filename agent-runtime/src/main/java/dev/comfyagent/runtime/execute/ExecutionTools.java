package dev.comfyagent.runtime.execute;

import dev.comfyagent.runtime.comfy.ComfyUiClient;
import dev.comfyagent.runtime.session.SessionRegistry;
import dev.comfyagent.runtime.tool.Tool;
import java.util.List;
import java.util.function.Function;

/**
 * The VERIFY tools: {@code execute_workflow}, {@code get_execution_status}, {@code
 * interrupt_execution}, {@code get_queue_status}, {@code get_system_stats}, {@code
 * is_comfyui_running}.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * ComfyUiClient comfy = new HttpComfyUiClient(ComfyUiSettings.defaults());
 * ExecutionTools.create(comfy, sessions, ExecutionSettings.defaults()).forEach(registry::register);
 * }</pre>
 *
 * <p>The tools share one execution tracker, whose daemon threads follow renders in the background.
 */
public final class ExecutionTools {

  private ExecutionTools() {}

  /** The six tools, sharing one tracker of executions; no pack is named for a missing node. */
  public static List<Tool> create(
      ComfyUiClient client, SessionRegistry sessions, ExecutionSettings settings) {
    return create(client, sessions, settings, classType -> List.of());
  }

  /**
   * The six tools, sharing one tracker of executions.
   *
   * @param packsProviding the custom-node packs that provide a node type, each as {@code "Title"
   *     (repository)}, named when ComfyUI refuses a workflow for a node type it does not have
   */
  public static List<Tool> create(
      ComfyUiClient client,
      SessionRegistry sessions,
      ExecutionSettings settings,
      Function<String, List<String>> packsProviding) {
    ExecutionTracker tracker = new ExecutionTracker(client, settings);
    return List.of(
        new ExecuteWorkflowTool(client, sessions, tracker, settings, packsProviding),
        new GetExecutionStatusTool(client, tracker),
        new InterruptExecutionTool(client, tracker),
        new GetQueueStatusTool(client, tracker),
        new GetSystemStatsTool(client),
        new IsComfyUiRunningTool(client));
  }
}
