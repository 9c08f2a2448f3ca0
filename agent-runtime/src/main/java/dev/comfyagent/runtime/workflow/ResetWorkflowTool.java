package dev.comfyagent.runtime.workflow;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.tool.InputSchema;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolResult;

/** {@code reset_workflow}: back to the workflow as loaded, as one undoable step. */
public final class ResetWorkflowTool implements Tool {

  private final CurrentWorkflows workflows;

  public ResetWorkflowTool(CurrentWorkflows workflows) {
    this.workflows = workflows;
  }

  @Override
  public String name() {
    return "reset_workflow";
  }

  @Override
  public String description() {
    return "Discard every change since the workflow was loaded and go back to the loaded"
        + " version. The reset is itself one step of the undo history, so undo_workflow_patch"
        + " brings the changes back.";
  }

  @Override
  public ObjectNode inputSchema() {
    return InputSchema.object().build();
  }

  @Override
  public ToolResult call(ObjectNode arguments, ToolContext context) {
    return workflows.currentWorkflow(context.connectionId()).reset(ResetWorkflowTool::answer);
  }

  /** The answer to a reset, built before the reset is made. */
  private static ToolResult answer(WorkflowState.Change change) {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("reset", change.changed());
    json.put("undo_depth", change.undoDepth());
    json.set("changes", WorkflowChanges.toJson(change.before(), change.after()));
    if (!change.changed()) {
      return ToolResult.of("Nothing to reset: the workflow is as it was loaded.", json);
    }
    return ToolResult.of(
        "Reset to the loaded workflow (undo_workflow_patch brings the changes back; undo depth now "
            + change.undoDepth()
            + "). Reverted:\n"
            + WorkflowText.changeList(WorkflowChanges.describe(change.before(), change.after())),
        json);
  }
}
