package dev.comfyagent.runtime.execute;

import dev.comfyagent.runtime.comfy.ComfyUiClient;
import dev.comfyagent.runtime.session.SessionRegistry;
import dev.comfyagent.runtime.tool.Tool;
import java.util.List;

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

  /** The six tools, sharing one tracker of executions. */
  public static List<Tool> create(
      ComfyUiClient client, SessionRegistry sessions, ExecutionSettings settings) {
    ExecutionTracker tracker = new ExecutionTracker(client, settings);
    return List.of(
        new ExecuteWorkflowTool(client, sessions, tracker, settings),
        new GetExecutionStatusTool(client, tracker),
        new InterruptExecutionTool(client, tracker),
        new GetQueueStatusTool(client, tracker),
        new GetSystemStatsTool(client),
        new IsComfyUiRunningTool(client));
  }
}
