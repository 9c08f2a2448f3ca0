package dev.comfyagent.runtime.workflow;

import dev.comfyagent.runtime.discover.NodeCatalog;
import dev.comfyagent.runtime.files.AllowedRoots;
import dev.comfyagent.runtime.session.SessionRegistry;
import dev.comfyagent.runtime.tool.Tool;
import java.util.List;

/**
 * The UNDERSTAND and PILOT tools of the workflow package, in the order they are listed to clients.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * WorkflowTools.create(sessions, catalog, roots).forEach(registry::register);
 * }</pre>
 */
public final class WorkflowTools {

  private WorkflowTools() {}

  /** One instance of each workflow tool, sharing the given services. */
  public static List<Tool> create(
      SessionRegistry sessions, NodeCatalog catalog, AllowedRoots roots) {
    return List.of(
        new LoadWorkflowTool(sessions, catalog, roots),
        new GetWorkflowSummaryTool(sessions, catalog),
        new ValidateWorkflowTool(sessions, catalog),
        new ApplyWorkflowPatchTool(sessions, catalog),
        new PreviewWorkflowPatchTool(sessions, catalog),
        new SetInputTool(sessions, catalog),
        new UndoWorkflowPatchTool(sessions),
        new GetWorkflowDiffTool(sessions),
        new ResetWorkflowTool(sessions),
        new SaveWorkflowTool(sessions, roots));
  }
}
