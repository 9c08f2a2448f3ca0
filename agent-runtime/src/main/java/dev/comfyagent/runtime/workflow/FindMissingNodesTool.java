package dev.comfyagent.runtime.workflow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.discover.ManagerNodeMap;
import dev.comfyagent.runtime.discover.NodeCatalog;
import dev.comfyagent.runtime.tool.InputSchema;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolException;
import dev.comfyagent.runtime.tool.ToolResult;

/**
 * {@code find_missing_nodes}: the node types of the current workflow that the connected ComfyUI
 * does not have, grouped by the ComfyUI-Manager pack that provides them ({@link
 * MissingNodesReport}).
 */
final class FindMissingNodesTool implements Tool {

  private final CurrentWorkflows workflows;
  private final NodeCatalog catalog;
  private final ManagerNodeMap managerMap;
  private final ObjectNode schema = InputSchema.object().build();

  FindMissingNodesTool(CurrentWorkflows workflows, NodeCatalog catalog, ManagerNodeMap managerMap) {
    this.workflows = workflows;
    this.catalog = catalog;
    this.managerMap = managerMap;
  }

  @Override
  public String name() {
    return "find_missing_nodes";
  }

  @Override
  public String description() {
    return "List the node types of the current workflow that the connected ComfyUI does not have,"
        + " each with the ComfyUI-Manager pack (title and repository) that provides it, or"
        + " 'unknown to ComfyUI-Manager'. Call it when a workflow from elsewhere fails to"
        + " validate or queue.";
  }

  @Override
  public ObjectNode inputSchema() {
    return schema;
  }

  @Override
  public boolean readOnly() {
    return true;
  }

  @Override
  public ToolResult call(ObjectNode arguments, ToolContext context) {
    Workflow workflow = workflows.currentWorkflow(context.connectionId()).requireCurrent();
    NodeCatalog.Lookup lookup = catalog.lookup();
    if (lookup.definitions().isEmpty()) {
      throw new ToolException("cannot tell which node types are missing: " + lookup.problem());
    }
    MissingNodesReport report =
        MissingNodesReport.of(workflow, lookup.definitions().get(), managerMap);
    StringBuilder text = new StringBuilder(report.text());
    ObjectNode structured = report.toJson();
    if (lookup.stale()) {
      text.append("\nNote: ").append(lookup.note().orElseThrow()).append('.');
      structured.put("live_catalog_problem", lookup.problem());
      lookup.fetchedAt().ifPresent(at -> structured.put("catalog_fetched_at", at.toString()));
    }
    return ToolResult.of(text.toString(), structured);
  }
}
