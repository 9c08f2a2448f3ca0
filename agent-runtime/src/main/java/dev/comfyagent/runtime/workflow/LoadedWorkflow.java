package dev.comfyagent.runtime.workflow;

import java.util.List;

/**
 * A workflow read from a document, with what was found on the way.
 *
 * @param workflow the workflow in API format
 * @param format the format the document was in
 * @param notes things the assistant should know about the conversion (muted nodes left out,
 *     bypassed nodes wired through, missing widget values), empty for API format
 */
public record LoadedWorkflow(Workflow workflow, WorkflowFormat format, List<String> notes) {

  public LoadedWorkflow {
    notes = List.copyOf(notes);
  }
}
