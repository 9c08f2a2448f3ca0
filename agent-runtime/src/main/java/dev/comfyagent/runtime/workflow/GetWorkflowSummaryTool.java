package dev.comfyagent.runtime.workflow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.discover.NodeCatalog;
import dev.comfyagent.runtime.tool.InputSchema;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolResult;

/**
 * {@code get_workflow_summary}: nodes by class, links, models referenced and the editable literal
 * inputs of the current workflow.
 */
public final class GetWorkflowSummaryTool implements Tool {

  private final CurrentWorkflows workflows;
  private final NodeCatalog catalog;

  public GetWorkflowSummaryTool(CurrentWorkflows workflows, NodeCatalog catalog) {
    this.workflows = workflows;
    this.catalog = catalog;
  }

  @Override
  public String name() {
    return "get_workflow_summary";
  }

  @Override
  public String description() {
    return "Summarize the current workflow: nodes grouped by class_type (with ids), every link"
        + " (source node.output -> target node.input, with its type), the model files it"
        + " references (checkpoints, LoRAs, VAEs, ...) and, per node, the literal inputs that can"
        + " be edited with their current values and allowed ranges. Use it before editing to find"
        + " node ids and input names.";
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
    Workflow workflow = workflows.currentWorkflow(context.connectionId()).requireCurrent();
    WorkflowSummary summary = WorkflowSummary.of(workflow, catalog.tryDefinitions());
    return ToolResult.of(summary.text(), summary.toJson());
  }
}
