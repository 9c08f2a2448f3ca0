package dev.comfyagent.runtime.workflow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.tool.InputSchema;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolArguments;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolResult;

/** {@code undo_workflow_patch}: reverts the last applied changes (patches, set_input, reset). */
public final class UndoWorkflowPatchTool implements Tool {

  private final CurrentWorkflows workflows;

  public UndoWorkflowPatchTool(CurrentWorkflows workflows) {
    this.workflows = workflows;
  }

  @Override
  public String name() {
    return "undo_workflow_patch";
  }

  @Override
  public String description() {
    return "Undo the last change(s) to the current workflow: each apply_workflow_patch, set_input"
        + " or reset_workflow is one step. 'steps' (default 1) undoes several at once, all or"
        + " nothing. The history keeps the last "
        + workflows.undoLimit()
        + " steps; loading a workflow clears it.";
  }

  @Override
  public ObjectNode inputSchema() {
    return InputSchema.object()
        .optionalInteger("steps", "How many steps to undo (default 1)", 1, workflows.undoLimit())
        .build();
  }

  @Override
  public ToolResult call(ObjectNode arguments, ToolContext context) {
    int steps =
        ToolArguments.of(arguments).optionalInt("steps", 1, workflows.undoLimit()).orElse(1);
    return workflows
        .currentWorkflow(context.connectionId())
        .undo(steps, UndoWorkflowPatchTool::answer);
  }

  /** The answer to an undo, built before the undo is made. */
  private static ToolResult answer(WorkflowState.Undone undone) {
    StringBuilder text = new StringBuilder("Undid ");
    text.append(WorkflowText.plural(undone.undone().size(), "step")).append(" (");
    for (int i = 0; i < undone.undone().size(); i++) {
      text.append(i == 0 ? "" : ", ").append(undone.undone().get(i).label());
    }
    text.append("); undo depth now ")
        .append(undone.undoDepth())
        .append(". Changes:\n")
        .append(WorkflowText.changeList(WorkflowChanges.describe(undone.before(), undone.after())));
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("undone", undone.undone().size());
    json.put("undo_depth", undone.undoDepth());
    ArrayNode labels = json.putArray("labels");
    undone.undone().forEach(e -> labels.add(e.label()));
    json.set("changes", WorkflowChanges.toJson(undone.before(), undone.after()));
    return ToolResult.of(text.toString(), json);
  }
}
