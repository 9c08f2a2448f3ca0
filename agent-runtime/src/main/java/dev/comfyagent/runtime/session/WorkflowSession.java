package dev.comfyagent.runtime.session;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.tool.InvalidArgumentException;
import dev.comfyagent.runtime.workflow.Workflow;
import dev.comfyagent.runtime.workflow.WorkflowState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One working session of an assistant: a workflow being edited (with its base and undo history) and
 * the notes taken along the way. A named session can be saved to and loaded from {@code
 * sessions/<name>.json}; an unnamed one is the scratch session every connection starts with, and it
 * takes a name when first saved.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * WorkflowSession session = sessions.current(connectionId);
 * session.workflow().load(workflow);
 * session.addNote("the client prefers seed 42", clock.instant());
 * session.hasUnsavedChanges();   // true until save_session
 * }</pre>
 *
 * <p>Thread-safe: notes and timestamps are guarded by a private lock; the workflow guards itself.
 */
public final class WorkflowSession {

  /** Longest note accepted, in characters. */
  public static final int MAX_NOTE_LENGTH = 10_000;

  /** Most notes one session keeps. */
  public static final int MAX_NOTES = 1_000;

  // A private lock: callers cannot take it and stall the tools of this session.
  private final Object lock = new Object();
  private final WorkflowState workflow;
  private final Instant created;
  private volatile String name;
  private Instant updated;
  private final List<SessionNote> notes = new ArrayList<>();
  private Saved saved;

  /** A new session, created now. */
  public WorkflowSession(String name, WorkflowState workflow) {
    this(name, workflow, Instant.now());
  }

  /** A new session created at {@code created}. */
  public WorkflowSession(String name, WorkflowState workflow, Instant created) {
    this.name = name;
    this.workflow = Objects.requireNonNull(workflow, "workflow");
    this.created = Objects.requireNonNull(created, "created");
    this.updated = created;
  }

  /** A session as it was stored; it has no unsaved changes until edited. */
  static WorkflowSession restored(StoredSession stored, WorkflowState workflow) {
    WorkflowSession session = new WorkflowSession(stored.name(), workflow, stored.created());
    synchronized (session.lock) {
      session.notes.addAll(stored.notes());
      session.updated = stored.updated();
      session.saved =
          new Saved(stored.snapshot().current(), stored.notes().size(), stored.revision());
    }
    return session;
  }

  /** The session's name, empty for a connection's scratch session. */
  public Optional<String> name() {
    return Optional.ofNullable(name);
  }

  /** The workflow being edited in this session. */
  public WorkflowState workflow() {
    return workflow;
  }

  /** When the session was first created (kept across saves and loads). */
  public Instant created() {
    return created;
  }

  /** When it was last saved, loaded or given a note. */
  public Instant updated() {
    synchronized (lock) {
      return updated;
    }
  }

  /** The notes, oldest first. */
  public List<SessionNote> notes() {
    synchronized (lock) {
      return List.copyOf(notes);
    }
  }

  /**
   * Adds a note.
   *
   * @throws InvalidArgumentException when the text is blank or longer than {@link
   *     #MAX_NOTE_LENGTH}, or the session already has {@link #MAX_NOTES}
   */
  public SessionNote addNote(String text, Instant at) {
    synchronized (lock) {
      String trimmed = text == null ? "" : text.strip();
      if (trimmed.isEmpty()) {
        throw new InvalidArgumentException("a note needs some text");
      }
      if (trimmed.length() > MAX_NOTE_LENGTH) {
        throw new InvalidArgumentException(
            "a note is at most "
                + MAX_NOTE_LENGTH
                + " characters; this one has "
                + trimmed.length());
      }
      if (notes.size() >= MAX_NOTES) {
        throw new InvalidArgumentException(
            "this session already has " + MAX_NOTES + " notes; start a new session");
      }
      SessionNote note = new SessionNote(at, trimmed);
      notes.add(note);
      updated = at;
      return note;
    }
  }

  /**
   * Whether something would be lost if the session were dropped now: notes taken since it was last
   * saved, or a workflow that differs from the one saved (for a session never saved: from the base
   * it was loaded as, since an unedited workflow can be loaded again from where it came).
   */
  public boolean hasUnsavedChanges() {
    synchronized (lock) {
      WorkflowState.Snapshot now = workflow.snapshot();
      ObjectNode reference = saved != null ? saved.current() : now.base();
      int savedNotes = saved != null ? saved.notes() : 0;
      return !Objects.equals(now.current(), reference) || notes.size() != savedNotes;
    }
  }

  /** Records that the session was saved under {@code newName} as {@code written}. */
  void markSaved(String newName, StoredSession written) {
    synchronized (lock) {
      this.name = newName;
      this.updated = written.updated();
      this.saved =
          new Saved(written.snapshot().current(), written.notes().size(), written.revision());
    }
  }

  /**
   * The revision of the session file this session was last loaded from or saved to; empty for a
   * session never saved. A save under the same name expects to find it still on disk.
   */
  Optional<String> savedRevision() {
    synchronized (lock) {
      return saved == null ? Optional.empty() : Optional.ofNullable(saved.revision());
    }
  }

  /** What a save under the current name would store, stamped {@code at}. */
  StoredSession toStored(String asName, Instant at) {
    synchronized (lock) {
      return new StoredSession(asName, created, at, workflow.snapshot(), List.copyOf(notes));
    }
  }

  /** Number of nodes of the current workflow, 0 when none is loaded. */
  public int nodeCount() {
    return workflow.current().map(Workflow::size).orElse(0);
  }

  /** A short description for messages: {@code session 'hero'} or {@code the unsaved session}. */
  public String describe() {
    String n = name;
    return n == null ? "this connection's unsaved session" : "session '" + n + "'";
  }

  /** What was saved (or loaded) last: the workflow, how many notes, the file's revision. */
  private record Saved(ObjectNode current, int notes, String revision) {}
}
