package dev.comfyagent.runtime.workflow;

import dev.comfyagent.runtime.discover.ManagerNodeMap;
import dev.comfyagent.runtime.discover.NodeCatalog;
import dev.comfyagent.runtime.files.AllowedRoots;
import dev.comfyagent.runtime.tool.Tool;
import java.util.List;

/**
 * The UNDERSTAND and PILOT tools of the workflow package, in the order they are listed to clients.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * WorkflowTools.create(workflows, catalog, roots).forEach(registry::register);
 * }</pre>
 */
public final class WorkflowTools {

  private WorkflowTools() {}

  /**
   * One instance of each workflow tool, sharing the given services.
   *
   * @param workflows where each connection's workflow is kept ({@code SessionRegistry})
   * @param catalog ComfyUI's node types, to convert, validate and summarise against
   * @param managerMap ComfyUI-Manager's packs, named for node types ComfyUI lacks
   * @param roots the folders {@code load_workflow} and {@code save_workflow} may use
   */
  public static List<Tool> create(
      CurrentWorkflows workflows,
      NodeCatalog catalog,
      ManagerNodeMap managerMap,
      AllowedRoots roots) {
    return List.of(
        new LoadWorkflowTool(workflows, catalog, roots),
        new GetWorkflowSummaryTool(workflows, catalog),
        new ValidateWorkflowTool(workflows, catalog),
        new ApplyWorkflowPatchTool(workflows, catalog),
        new PreviewWorkflowPatchTool(workflows, catalog),
        new SetInputTool(workflows, catalog),
        new UndoWorkflowPatchTool(workflows),
        new GetWorkflowDiffTool(workflows),
        new ResetWorkflowTool(workflows),
        new SaveWorkflowTool(workflows, roots),
        new FindMissingNodesTool(workflows, catalog, managerMap));
  }
}
