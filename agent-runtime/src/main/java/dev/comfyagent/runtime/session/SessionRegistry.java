package dev.comfyagent.runtime.session;

import dev.comfyagent.runtime.workflow.WorkflowState;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sessions open in this process, and which one is current for each MCP connection.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * SessionRegistry sessions = new SessionRegistry(50);
 * WorkflowSession s = sessions.current(context.connectionId()); // scratch session on first use
 * s.workflow().requireCurrent();
 * }</pre>
 *
 * <p>{@code open}, {@code close} and {@link #size()} are part of the contract with the
 * instrument-javaagent (active-session count and memory probe profile); keep their names.
 *
 * <p>OWNER: server helper. Thread-safe.
 */
public final class SessionRegistry {

  private final int undoLimit;
  private final Map<String, WorkflowSession> currentByConnection = new ConcurrentHashMap<>();

  public SessionRegistry(int undoLimit) {
    this.undoLimit = undoLimit;
  }

  /** The undo bound given to every new session's workflow. */
  public int undoLimit() {
    return undoLimit;
  }

  /** The connection's current session; an unnamed scratch session is opened on first use. */
  public WorkflowSession current(String connectionId) {
    return currentByConnection.computeIfAbsent(
        connectionId, id -> new WorkflowSession(null, new WorkflowState(undoLimit)));
  }

  /** Number of open sessions. */
  public int size() {
    return currentByConnection.size();
  }
}
