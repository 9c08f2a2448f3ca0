package dev.comfyagent.runtime.workflow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.discover.NodeCatalog;
import dev.comfyagent.runtime.discover.NodeDefinitions;
import dev.comfyagent.runtime.tool.InputSchema;
import dev.comfyagent.runtime.tool.InvalidArgumentException;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolResult;
import java.util.List;
import java.util.Optional;

/**
 * {@code apply_workflow_patch}: applies an RFC 6902 patch to the current workflow, all or nothing,
 * as one undoable step, and reports what changed and any problem it introduced.
 */
public final class ApplyWorkflowPatchTool implements Tool {

  private final CurrentWorkflows workflows;
  private final NodeCatalog catalog;

  public ApplyWorkflowPatchTool(CurrentWorkflows workflows, NodeCatalog catalog) {
    this.workflows = workflows;
    this.catalog = catalog;
  }

  @Override
  public String name() {
    return "apply_workflow_patch";
  }

  @Override
  public String description() {
    return "Change the current workflow with an RFC 6902 JSON Patch (array of operations: add,"
        + " remove, replace, move, copy, test). Paths address the API-format workflow:"
        + " /<node id>/inputs/<input name> for an input (a literal, or a link [\"<node id>\","
        + " <output index>]), /<node id> for a whole node ({\"class_type\": ..., \"inputs\":"
        + " {...}}). All or nothing: if any operation fails (ops are numbered from 0) the"
        + " workflow is unchanged and the error names the op. One patch is one step for"
        + " undo_workflow_patch. Reports the changes and any new validation problems. For one"
        + " input, set_input is simpler; preview_workflow_patch shows the effect without applying.";
  }

  @Override
  public ObjectNode inputSchema() {
    return InputSchema.object()
        .property(
            "patch",
            true,
            PatchArgument.schema(
                "RFC 6902 operations, e.g. [{\"op\": \"replace\", \"path\": \"/3/inputs/seed\","
                    + " \"value\": 42}]; a JSON string holding the array is accepted too"))
        .build();
  }

  @Override
  public ToolResult call(ObjectNode arguments, ToolContext context) {
    WorkflowState state = workflows.currentWorkflow(context.connectionId());
    state.requireCurrent();
    try {
      JsonPatch patch = PatchArgument.read(arguments);
      if (patch.isEmpty()) {
        throw new InvalidArgumentException("the patch has no operations; nothing to do");
      }
      // Asked before the change: the report is built before the change is made (all or nothing).
      Optional<NodeDefinitions> definitions = catalog.tryDefinitions();
      return state.apply(patch, name(), change -> report(change, definitions));
    } catch (PatchException e) {
      return PatchArgument.failed(e);
    }
  }

  static ToolResult report(WorkflowState.Change change, Optional<NodeDefinitions> definitions) {
    List<String> lines = WorkflowChanges.describe(change.before(), change.after());
    List<ValidationProblem> introduced =
        WorkflowValidator.validate(change.after(), definitions)
            .newSince(WorkflowValidator.validate(change.before(), definitions));
    StringBuilder text = new StringBuilder();
    if (!change.patch().changesSomething()) {
      text.append("All ")
          .append(WorkflowText.plural(change.patch().size(), "test"))
          .append(" passed; nothing was changed.");
    } else if (!change.changed()) {
      text.append("Nothing was changed: the patch only writes values the workflow already has")
          .append(" (numbers count as equal however they are written: 7.5 = 7.50)")
          .append("; undo depth stays ")
          .append(change.undoDepth())
          .append('.');
    } else {
      text.append("Applied ")
          .append(WorkflowText.plural(change.patch().size(), "operation"))
          .append(" (undo depth now ")
          .append(change.undoDepth())
          .append("):\n")
          .append(WorkflowText.changeList(lines));
    }
    if (!introduced.isEmpty()) {
      text.append("\nNew problems (validate_workflow for all):");
      introduced.forEach(p -> text.append("\n- ").append(p.describe()));
    }
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("applied", change.changed());
    json.put("operations", change.patch().size());
    json.put("undo_depth", change.undoDepth());
    json.set("changes", WorkflowChanges.toJson(change.before(), change.after()));
    ArrayNode problems = json.putArray("new_problems");
    introduced.forEach(p -> problems.add(p.toJson()));
    json.put("catalog_available", definitions.isPresent());
    return ToolResult.of(text.toString(), json);
  }
}
