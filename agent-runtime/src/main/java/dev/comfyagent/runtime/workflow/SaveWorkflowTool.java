package dev.comfyagent.runtime.workflow;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.files.AllowedRoots;
import dev.comfyagent.runtime.files.AtomicFileWriter;
import dev.comfyagent.runtime.tool.InputSchema;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolArguments;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolException;
import dev.comfyagent.runtime.tool.ToolResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;

/**
 * {@code save_workflow}: writes the current workflow in API format (pretty-printed) to a file under
 * the allowed roots, atomically, refusing to overwrite unless asked.
 */
public final class SaveWorkflowTool implements Tool {

  private final CurrentWorkflows workflows;
  private final AllowedRoots roots;

  public SaveWorkflowTool(CurrentWorkflows workflows, AllowedRoots roots) {
    this.workflows = workflows;
    this.roots = roots;
  }

  @Override
  public String name() {
    return "save_workflow";
  }

  @Override
  public String description() {
    return "Save the current workflow as an API-format JSON file (the format of ComfyUI's \"Save"
        + " (API Format)\", loadable by load_workflow and POST /prompt) under the allowed"
        + " workflow folders. The write is atomic: a crash leaves the old file or the new one,"
        + " never half of one. An existing file is only replaced with overwrite: true."
        + (roots.isEnabled()
            ? ""
            : " File access is off on this server (no workflow folder is configured), so saving"
                + " is refused until one is.");
  }

  @Override
  public ObjectNode inputSchema() {
    return InputSchema.object()
        .requiredString(
            "path", "File to write, relative to an allowed workflow folder (e.g. out/v2.json)")
        .optionalBoolean("overwrite", "Replace the file if it exists (default false)")
        .build();
  }

  @Override
  public ToolResult call(ObjectNode arguments, ToolContext context) {
    ToolArguments args = ToolArguments.of(arguments);
    String userPath = args.requiredString("path");
    boolean overwrite = args.optionalBoolean("overwrite").orElse(false);
    Workflow workflow = workflows.currentWorkflow(context.connectionId()).requireCurrent();
    Path target = roots.resolveForWrite(userPath);
    byte[] bytes = (workflow.toPrettyJson() + "\n").getBytes(StandardCharsets.UTF_8);
    try {
      AtomicFileWriter.write(target, bytes, overwrite);
    } catch (FileAlreadyExistsException e) {
      throw new ToolException(
          userPath + " already exists; pass overwrite: true to replace it, or choose another path");
    } catch (IOException e) {
      throw new ToolException(
          "could not save " + userPath + " (" + e + "); any existing file there is unchanged");
    }
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("path", target.toString());
    json.put("bytes", bytes.length);
    json.put("node_count", workflow.size());
    json.put("format", "api");
    return ToolResult.of(
        "Saved the workflow (" + workflow.size() + " nodes, API format) to " + target + ".", json);
  }
}
