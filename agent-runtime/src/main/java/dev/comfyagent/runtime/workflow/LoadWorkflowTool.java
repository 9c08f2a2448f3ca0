package dev.comfyagent.runtime.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.discover.NodeCatalog;
import dev.comfyagent.runtime.discover.NodeDefinitions;
import dev.comfyagent.runtime.files.AllowedRoots;
import dev.comfyagent.runtime.tool.InputSchema;
import dev.comfyagent.runtime.tool.InvalidArgumentException;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolArguments;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolException;
import dev.comfyagent.runtime.tool.ToolResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code load_workflow}: reads a workflow from a file under the allowed roots or from inline JSON,
 * in any of ComfyUI's formats, and makes it the connection's current workflow (and base).
 */
public final class LoadWorkflowTool implements Tool {

  /** Larger files are refused before reading; real workflows are a few megabytes at most. */
  static final long MAX_FILE_BYTES = 64L * 1024 * 1024;

  private final CurrentWorkflows workflows;
  private final NodeCatalog catalog;
  private final AllowedRoots roots;

  public LoadWorkflowTool(CurrentWorkflows workflows, NodeCatalog catalog, AllowedRoots roots) {
    this.workflows = workflows;
    this.catalog = catalog;
    this.roots = roots;
  }

  @Override
  public String name() {
    return "load_workflow";
  }

  @Override
  public String description() {
    String files =
        roots.isEnabled()
            ? " Give either 'path' (a .json file under the allowed workflow folders, relative to"
                + " them) or 'workflow' (the workflow JSON itself, as an object or a string)."
            : " File access is off on this server (no workflow folder is configured), so give"
                + " 'workflow': the workflow JSON itself, as an object or a string.";
    return "Load a ComfyUI workflow and make it this conversation's current workflow, replacing"
        + " the previous one and its undo history."
        + files
        + " Reads API format (\"Save (API Format)\"), UI format with"
        + " an embedded API prompt, and plain UI format (converted with ComfyUI's node catalog,"
        + " so ComfyUI must be running). Returns the nodes, models and validation problems;"
        + " then use get_workflow_summary, set_input or apply_workflow_patch.";
  }

  @Override
  public ObjectNode inputSchema() {
    return InputSchema.object()
        .optionalString(
            "path",
            "Workflow file, relative to an allowed workflow folder (e.g. portraits/sdxl.json)")
        .optionalAny(
            "workflow",
            "The workflow JSON itself (object, or a string holding it: a string keeps every"
                + " number exactly as written) instead of a path")
        .build();
  }

  @Override
  public ToolResult call(ObjectNode arguments, ToolContext context) {
    ToolArguments args = ToolArguments.of(arguments);
    Optional<String> path = args.optionalString("path");
    Optional<JsonNode> inline = args.optionalAny("workflow");
    if (path.isPresent() == inline.isPresent()) {
      throw new InvalidArgumentException(
          roots.isEnabled()
              ? "give exactly one of 'path' (a file under "
                  + roots.describe()
                  + ") or 'workflow' (the JSON itself)"
              : "give 'workflow' (the workflow JSON itself); 'path' needs file access, and "
                  + roots.offMessage());
    }
    String source;
    JsonNode document;
    if (path.isPresent()) {
      String userPath = path.get();
      Path file = roots.resolveForRead(userPath);
      source = userPath;
      document = WorkflowJson.parseFile(read(file, userPath), userPath);
    } else {
      source = "the inline workflow";
      JsonNode workflow = inline.get();
      document = workflow.isTextual() ? WorkflowJson.parse(workflow.asText(), source) : workflow;
    }
    NodeCatalog.Lookup lookup = catalog.lookup();
    Optional<NodeDefinitions> definitions = lookup.definitions();
    LoadedWorkflow loaded = WorkflowReader.read(document, definitions, source);
    // The answer is built before the workflow is installed: a failure leaves the previous one.
    return workflows
        .currentWorkflow(context.connectionId())
        .load(loaded.workflow(), workflow -> answer(loaded, source, lookup));
  }

  private static ToolResult answer(
      LoadedWorkflow loaded, String source, NodeCatalog.Lookup lookup) {
    WorkflowSummary summary = WorkflowSummary.of(loaded.workflow(), lookup.definitions());
    ValidationReport report = ValidationReport.of(loaded.workflow(), lookup);
    StringBuilder text = new StringBuilder();
    text.append("Loaded ")
        .append(source)
        .append(" (")
        .append(loaded.format().description())
        .append("): ")
        .append(WorkflowText.plural(summary.nodeCount(), "node"))
        .append(", ")
        .append(WorkflowText.plural(summary.links().size(), "link"))
        .append(". It is now the current workflow and the base for diffs and reset.");
    List<String> classes = new ArrayList<>();
    summary
        .nodesByClass()
        .forEach(
            (type, ids) ->
                classes.add(
                    type
                        + (ids.size() > 1 ? " x" + ids.size() : "")
                        + " ("
                        + String.join(", ", ids)
                        + ")"));
    text.append("\nNodes: ").append(String.join("; ", classes)).append('.');
    if (!summary.models().isEmpty()) {
      text.append("\nModels: ")
          .append(
              String.join(
                  "; ",
                  summary.models().stream()
                      .map(m -> m.name() + " (node " + m.nodeId() + ")")
                      .toList()))
          .append('.');
    }
    for (String note : loaded.notes()) {
      text.append("\nNote: ").append(note);
    }
    text.append("\nValidation: ").append(report.text());

    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("source", source);
    json.put("format", loaded.format().name().toLowerCase(java.util.Locale.ROOT));
    json.put("node_count", summary.nodeCount());
    json.put("link_count", summary.links().size());
    ArrayNode notes = json.putArray("notes");
    loaded.notes().forEach(notes::add);
    ObjectNode summaryJson = summary.toJson();
    json.set("nodes_by_class", summaryJson.get("nodes_by_class"));
    json.set("models", summaryJson.get("models"));
    json.set("validation", report.toJson());
    return ToolResult.of(text.toString(), json);
  }

  private static byte[] read(Path file, String userPath) {
    try {
      long size = Files.size(file);
      if (size > MAX_FILE_BYTES) {
        throw new ToolException(
            userPath + " is " + size + " bytes; workflows over " + MAX_FILE_BYTES + " are refused");
      }
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ToolException("cannot read " + userPath + ": " + e);
    }
  }
}
