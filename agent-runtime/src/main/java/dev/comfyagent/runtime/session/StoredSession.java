package dev.comfyagent.runtime.session;

import dev.comfyagent.runtime.workflow.WorkflowState;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A session as it is written to and read from {@code sessions/<name>.json}.
 *
 * @param name the session's name (also the file's name)
 * @param created when the session was first created
 * @param updated when it was saved
 * @param snapshot the workflow, its base and its undo history
 * @param notes the notes, oldest first
 */
public record StoredSession(
    String name,
    Instant created,
    Instant updated,
    WorkflowState.Snapshot snapshot,
    List<SessionNote> notes) {

  public StoredSession {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(updated, "updated");
    Objects.requireNonNull(snapshot, "snapshot");
    notes = List.copyOf(notes);
  }

  /** Number of nodes of the current workflow, 0 when there is none. */
  public int nodeCount() {
    return snapshot.current() == null ? 0 : snapshot.current().size();
  }
}
