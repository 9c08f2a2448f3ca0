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
 * @param revision what tells this save from every other one of the file (a random id; for files
 *     written before revisions existed, their {@code updated} time), {@code null} before it is
 *     written
 * @param savedBy who wrote it, such as {@code pid 4242 on render-box}, or {@code null} when the
 *     file does not say
 */
public record StoredSession(
    String name,
    Instant created,
    Instant updated,
    WorkflowState.Snapshot snapshot,
    List<SessionNote> notes,
    String revision,
    String savedBy) {

  public StoredSession {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(updated, "updated");
    Objects.requireNonNull(snapshot, "snapshot");
    notes = List.copyOf(notes);
  }

  /** A session about to be written: its revision and writer are set by the store. */
  public StoredSession(
      String name,
      Instant created,
      Instant updated,
      WorkflowState.Snapshot snapshot,
      List<SessionNote> notes) {
    this(name, created, updated, snapshot, notes, null, null);
  }

  /** The same session as written under {@code newRevision} by {@code writer}. */
  StoredSession written(String newRevision, String writer) {
    return new StoredSession(name, created, updated, snapshot, notes, newRevision, writer);
  }

  /** {@code saved 2026-03-01T09:30:00Z by pid 4242 on render-box} (the writer when known). */
  public String describeSave() {
    return "saved " + updated + (savedBy == null ? "" : " by " + savedBy);
  }

  /** Number of nodes of the current workflow, 0 when there is none. */
  public int nodeCount() {
    return snapshot.current() == null ? 0 : snapshot.current().size();
  }
}
