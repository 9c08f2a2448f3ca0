package dev.comfyagent.runtime.session;

import dev.comfyagent.runtime.workflow.WorkflowState;
import java.util.Optional;

/**
 * One working session of an assistant: a workflow being edited (with its base and undo history) and
 * the notes taken along the way. A named session can be saved to and loaded from {@code
 * sessions/<name>.json}; an unnamed one is the scratch session every connection starts with.
 *
 * <p>OWNER: server helper (notes, timestamps, persistence are added there). Thread-safe.
 */
public final class WorkflowSession {

  private final String name;
  private final WorkflowState workflow;

  public WorkflowSession(String name, WorkflowState workflow) {
    this.name = name;
    this.workflow = workflow;
  }

  /** The session's name, empty for a connection's scratch session. */
  public Optional<String> name() {
    return Optional.ofNullable(name);
  }

  /** The workflow being edited in this session. */
  public WorkflowState workflow() {
    return workflow;
  }
}
