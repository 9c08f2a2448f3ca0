package dev.comfyagent.runtime.workflow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.discover.NodeCatalog;
import dev.comfyagent.runtime.tool.InputSchema;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolResult;

/** {@code validate_workflow}: checks the current workflow against ComfyUI's node catalog. */
public final class ValidateWorkflowTool implements Tool {

  private final CurrentWorkflows workflows;
  private final NodeCatalog catalog;

  public ValidateWorkflowTool(CurrentWorkflows workflows, NodeCatalog catalog) {
    this.workflows = workflows;
    this.catalog = catalog;
  }

  @Override
  public String name() {
    return "validate_workflow";
  }

  @Override
  public String description() {
    return "Check the current workflow the way ComfyUI will when it is queued, without running"
        + " it: unknown node types, missing required inputs, links to missing nodes or output"
        + " slots, link type mismatches, values of the wrong kind, below the minimum, above the"
        + " maximum or not among a list's choices, cycles, no output node. Each problem names"
        + " the node, the input and a suggested fix. Without ComfyUI running only the graph"
        + " structure is checked, and the result says so.";
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
    ValidationReport report = ValidationReport.of(workflow, catalog.lookup());
    return ToolResult.of(report.text(), report.toJson());
  }
}
