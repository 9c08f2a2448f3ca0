package dev.comfyagent.runtime.workflow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.discover.NodeCatalog;
import dev.comfyagent.runtime.discover.NodeDefinitions;
import dev.comfyagent.runtime.tool.InputSchema;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolResult;
import java.util.List;
import java.util.Optional;

/**
 * {@code preview_workflow_patch}: what a patch would change and which problems it would bring,
 * without changing anything.
 */
public final class PreviewWorkflowPatchTool implements Tool {

  private final CurrentWorkflows workflows;
  private final NodeCatalog catalog;

  public PreviewWorkflowPatchTool(CurrentWorkflows workflows, NodeCatalog catalog) {
    this.workflows = workflows;
    this.catalog = catalog;
  }

  @Override
  public String name() {
    return "preview_workflow_patch";
  }

  @Override
  public String description() {
    return "Dry-run an RFC 6902 JSON Patch on the current workflow: shows each value it would"
        + " change (before -> after) and the validation problems it would introduce, or the"
        + " error of the operation that would fail. Nothing is changed; apply it with"
        + " apply_workflow_patch.";
  }

  @Override
  public ObjectNode inputSchema() {
    return InputSchema.object()
        .property(
            "patch",
            true,
            PatchArgument.schema(
                "RFC 6902 operations, as for apply_workflow_patch (a JSON string is accepted)"))
        .build();
  }

  @Override
  public boolean readOnly() {
    return true;
  }

  @Override
  public ToolResult call(ObjectNode arguments, ToolContext context) {
    WorkflowState state = workflows.currentWorkflow(context.connectionId());
    Workflow before = state.requireCurrent();
    Workflow after;
    try {
      after = WorkflowPatcher.apply(before, PatchArgument.read(arguments)).result();
    } catch (PatchException e) {
      return PatchArgument.failed(e);
    }
    Optional<NodeDefinitions> definitions = catalog.tryDefinitions();
    List<String> lines = WorkflowChanges.describe(before, after);
    List<ValidationProblem> introduced =
        WorkflowValidator.validate(after, definitions)
            .newSince(WorkflowValidator.validate(before, definitions));
    StringBuilder text = new StringBuilder("Preview only, nothing was changed. The patch would");
    if (lines.isEmpty()) {
      text.append(" change nothing.");
    } else {
      text.append(" make ")
          .append(WorkflowText.plural(lines.size(), "change"))
          .append(":\n")
          .append(WorkflowText.changeList(lines));
    }
    if (introduced.isEmpty()) {
      text.append("\nIt introduces no validation problems")
          .append(definitions.isPresent() ? "." : " (structure only: catalog unavailable).");
    } else {
      text.append("\nIt would introduce:");
      introduced.forEach(p -> text.append("\n- ").append(p.describe()));
    }
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("applied", false);
    json.set("changes", WorkflowChanges.toJson(before, after));
    ArrayNode problems = json.putArray("new_problems");
    introduced.forEach(p -> problems.add(p.toJson()));
    json.put("catalog_available", definitions.isPresent());
    return ToolResult.of(text.toString(), json);
  }
}
