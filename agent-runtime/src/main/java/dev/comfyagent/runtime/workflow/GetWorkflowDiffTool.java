package dev.comfyagent.runtime.workflow;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.tool.InputSchema;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolResult;

/** {@code get_workflow_diff}: the RFC 6902 patch from the loaded base to the current workflow. */
public final class GetWorkflowDiffTool implements Tool {

  private final CurrentWorkflows workflows;

  public GetWorkflowDiffTool(CurrentWorkflows workflows) {
    this.workflows = workflows;
  }

  @Override
  public String name() {
    return "get_workflow_diff";
  }

  @Override
  public String description() {
    return "Show how the current workflow differs from the workflow as it was loaded: one line per"
        + " changed value (node, input, before -> after), and the RFC 6902 JSON Patch that turns"
        + " the loaded workflow into the current one (structuredContent.patch).";
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
    WorkflowState state = workflows.currentWorkflow(context.connectionId());
    Workflow current = state.requireCurrent();
    Workflow base = state.base().orElse(current);
    JsonPatch diff = state.diffFromBase();
    String text =
        diff.isEmpty()
            ? "The current workflow is identical to the loaded one."
            : WorkflowText.plural(diff.size(), "change")
                + " since the workflow was loaded:\n"
                + WorkflowText.changeList(WorkflowChanges.describe(base, current))
                + "\nRFC 6902 patch: "
                + diff;
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("change_count", diff.size());
    json.set("patch", diff.toJson());
    json.set("changes", WorkflowChanges.toJson(base, current));
    return ToolResult.of(text, json);
  }
}
