package dev.comfyagent.runtime.execute;

import dev.comfyagent.runtime.comfy.ComfyUiClient;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.workflow.CurrentWorkflows;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The VERIFY tools that render: {@code execute_workflow}, {@code get_execution_status}, {@code
 * interrupt_execution}, sharing one tracker of the renders this runtime started.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * ComfyUiClient comfy = new HttpComfyUiClient(ComfyUiSettings.defaults());
 * ExecutionTools execution = ExecutionTools.create(comfy, sessions, ExecutionSettings.defaults());
 * execution.tools().forEach(registry::register);
 * StatusTools.create(comfy, execution::connectionOf).forEach(registry::register);
 * }</pre>
 *
 * <p>The tracker's daemon threads follow renders in the background. Thread-safe.
 */
public final class ExecutionTools {

  private final ExecutionTracker tracker;
  private final List<Tool> tools;

  private ExecutionTools(ExecutionTracker tracker, List<Tool> tools) {
    this.tracker = tracker;
    this.tools = tools;
  }

  /** The three tools, sharing one tracker of executions; no pack is named for a missing node. */
  public static ExecutionTools create(
      ComfyUiClient client, CurrentWorkflows workflows, ExecutionSettings settings) {
    return create(client, workflows, settings, classType -> List.of());
  }

  /**
   * The three tools, sharing one tracker of executions.
   *
   * @param workflows where {@code execute_workflow} finds the connection's current workflow
   * @param packsProviding the custom-node packs that provide a node type, each as {@code "Title"
   *     (repository)}, named when ComfyUI refuses a workflow for a node type it does not have
   */
  public static ExecutionTools create(
      ComfyUiClient client,
      CurrentWorkflows workflows,
      ExecutionSettings settings,
      Function<String, List<String>> packsProviding) {
    ExecutionTracker tracker = new ExecutionTracker(client, settings);
    return new ExecutionTools(
        tracker,
        List.of(
            new ExecuteWorkflowTool(client, workflows, tracker, settings, packsProviding),
            new GetExecutionStatusTool(client, tracker),
            new InterruptExecutionTool(client, tracker)));
  }

  /** {@code execute_workflow}, {@code get_execution_status}, {@code interrupt_execution}. */
  public List<Tool> tools() {
    return tools;
  }

  /**
   * The connection that queued the prompt sent with ComfyUI {@code client_id} {@code clientId},
   * while the tracker remembers it; empty for prompts this runtime did not queue.
   */
  public Optional<String> connectionOf(String clientId) {
    return tracker.byClientId(clientId).map(Execution::connectionId);
  }
}
