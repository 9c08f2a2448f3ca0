package dev.comfyagent.runtime.session;

import dev.comfyagent.runtime.workflow.CurrentWorkflows;
import dev.comfyagent.runtime.workflow.WorkflowState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions open in this process, and which one is current for each MCP connection.
 *
 * <p>Every connection starts with an unnamed scratch session. Saving gives it a name; loading makes
 * a named session current. Named sessions stay open by name after their connection moves on (so
 * that two connections can share one), up to a bound; beyond it the least recently used one without
 * unsaved changes is closed.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * SessionRegistry sessions = new SessionRegistry(50, 16);
 * WorkflowSession s = sessions.current(context.connectionId()); // scratch session on first use
 * sessions.openNamedSession(context.connectionId(), loaded);     // after load_session
 * sessions.closeConnection(context.connectionId());              // when the client goes away
 * }</pre>
 *
 * <p>Methods that open a session are named {@code open…}, methods that close one {@code close…},
 * methods that open a scratch session on a connection's first use {@code current…} ({@link
 * #current}, {@link #currentWorkflow}), and {@link #size()} counts the sessions open. The
 * instrument-javaagent reads {@code size()} after each of them (active-session count, memory probe
 * profile): these names are part of its contract; keep them.
 *
 * <p>Thread-safe: every change happens under one lock; {@link #size()} reads a volatile count and
 * never blocks.
 */
public final class SessionRegistry implements CurrentWorkflows {

  private static final Logger log = LoggerFactory.getLogger(SessionRegistry.class);

  /** Named sessions kept open by default. */
  public static final int DEFAULT_MAX_OPEN_NAMED = 16;

  private final int undoLimit;
  private final int maxOpenNamed;
  private final Object lock = new Object();
  private final Map<String, WorkflowSession> currentByConnection = new HashMap<>();
  private final LinkedHashMap<String, WorkflowSession> named = new LinkedHashMap<>(16, 0.75f, true);
  private volatile int openCount;

  /** A registry keeping up to {@link #DEFAULT_MAX_OPEN_NAMED} named sessions open. */
  public SessionRegistry(int undoLimit) {
    this(undoLimit, DEFAULT_MAX_OPEN_NAMED);
  }

  /**
   * A registry.
   *
   * @param undoLimit the undo bound of every session's workflow
   * @param maxOpenNamed how many named sessions stay open; at least 1
   */
  public SessionRegistry(int undoLimit, int maxOpenNamed) {
    if (undoLimit < 1) {
      throw new IllegalArgumentException("undo limit must be at least 1, got " + undoLimit);
    }
    if (maxOpenNamed < 1) {
      throw new IllegalArgumentException(
          "at least one named session must be allowed open, got " + maxOpenNamed);
    }
    this.undoLimit = undoLimit;
    this.maxOpenNamed = maxOpenNamed;
  }

  /** The undo bound given to every new session's workflow. */
  @Override
  public int undoLimit() {
    return undoLimit;
  }

  /** How many named sessions stay open at most. */
  public int maxOpenNamed() {
    return maxOpenNamed;
  }

  /** The connection's current session; an unnamed scratch session is opened on first use. */
  public WorkflowSession current(String connectionId) {
    synchronized (lock) {
      WorkflowSession current = currentByConnection.get(connectionId);
      return current != null ? current : openScratchSession(connectionId);
    }
  }

  /**
   * The workflow of the connection's current session (a scratch session is opened on first use, as
   * by {@link #current}).
   */
  @Override
  public WorkflowState currentWorkflow(String connectionId) {
    return current(connectionId).workflow();
  }

  /**
   * Opens a new, empty scratch session as the connection's current one, closing the scratch session
   * it replaces (a named one stays open by name).
   */
  public WorkflowSession openScratchSession(String connectionId) {
    synchronized (lock) {
      WorkflowSession fresh = new WorkflowSession(null, new WorkflowState(undoLimit));
      WorkflowSession previous = currentByConnection.put(connectionId, fresh);
      if (previous != null && previous.name().isEmpty()) {
        closed(previous, "replaced by a new scratch session");
      }
      recount();
      log.debug("opened a scratch session for connection {}", connectionId);
      return fresh;
    }
  }

  /**
   * Opens a named session (one just loaded from disk) as the connection's current one. A session of
   * the same name that was open is closed and replaced, for every connection that had it. The
   * connection's previous scratch session is closed.
   *
   * @throws IllegalArgumentException when the session has no name
   */
  public WorkflowSession openNamedSession(String connectionId, WorkflowSession session) {
    String name =
        session
            .name()
            .orElseThrow(() -> new IllegalArgumentException("only named sessions open by name"));
    synchronized (lock) {
      WorkflowSession replaced = named.put(name, session);
      if (replaced != null && replaced != session) {
        currentByConnection.replaceAll((c, s) -> s == replaced ? session : s);
        closed(replaced, "replaced by a fresh load of '" + name + "'");
      }
      makeCurrent(connectionId, session);
      evictBeyondBound();
      recount();
      log.debug("opened session '{}' for connection {}", name, connectionId);
      return session;
    }
  }

  /**
   * Makes the already open named session {@code name} the connection's current one (sharing it with
   * any other connection that has it), if it is open.
   */
  public Optional<WorkflowSession> openSharedSession(String connectionId, String name) {
    synchronized (lock) {
      WorkflowSession session = named.get(name);
      if (session == null) {
        return Optional.empty();
      }
      makeCurrent(connectionId, session);
      recount();
      return Optional.of(session);
    }
  }

  /**
   * Records that the connection's current session was saved as {@code name}: it is now held open by
   * that name (a different session open under the name is closed).
   */
  public void nameSession(String connectionId, WorkflowSession session, String name) {
    synchronized (lock) {
      WorkflowSession replaced = named.put(name, session);
      if (replaced != null && replaced != session) {
        currentByConnection.replaceAll((c, s) -> s == replaced ? session : s);
        closed(replaced, "replaced by a save under the same name");
      }
      // A session saved under a new name is held under that name only.
      named.entrySet().removeIf(e -> e.getValue() == session && !e.getKey().equals(name));
      currentByConnection.put(connectionId, session);
      evictBeyondBound();
      recount();
    }
  }

  /** The named session {@code name} if it is open. */
  public Optional<WorkflowSession> findOpen(String name) {
    synchronized (lock) {
      return Optional.ofNullable(named.get(name));
    }
  }

  /** Names of the open named sessions, least recently used first. */
  public List<String> openNames() {
    synchronized (lock) {
      return new ArrayList<>(named.keySet());
    }
  }

  /**
   * Closes the named session {@code name}; connections that had it current get a fresh scratch
   * session.
   *
   * @return whether it was open
   */
  public boolean closeSession(String name) {
    synchronized (lock) {
      WorkflowSession session = named.remove(name);
      if (session == null) {
        return false;
      }
      List<String> holders = new ArrayList<>();
      currentByConnection.forEach(
          (connection, s) -> {
            if (s == session) {
              holders.add(connection);
            }
          });
      holders.forEach(this::openScratchSession);
      closed(session, "closed by name");
      recount();
      return true;
    }
  }

  /**
   * Forgets a connection that went away: its scratch session is closed; a named session it had
   * stays open by name.
   */
  public void closeConnection(String connectionId) {
    synchronized (lock) {
      WorkflowSession current = currentByConnection.remove(connectionId);
      if (current != null && current.name().isEmpty()) {
        closed(current, "its connection closed");
      }
      evictBeyondBound();
      recount();
    }
  }

  /** Closes everything (the server is stopping). */
  public void closeAll() {
    synchronized (lock) {
      List<WorkflowSession> all = new ArrayList<>(named.values());
      currentByConnection.values().stream().filter(s -> s.name().isEmpty()).forEach(all::add);
      named.clear();
      currentByConnection.clear();
      all.forEach(s -> closed(s, "the server is stopping"));
      recount();
    }
  }

  /** Number of open sessions: the scratch sessions of connections plus the named sessions. */
  public int size() {
    return openCount;
  }

  private void makeCurrent(String connectionId, WorkflowSession session) {
    WorkflowSession previous = currentByConnection.put(connectionId, session);
    if (previous != null && previous != session && previous.name().isEmpty()) {
      closed(previous, "its connection opened " + session.describe());
    }
  }

  private void evictBeyondBound() {
    if (named.size() <= maxOpenNamed) {
      return;
    }
    // Least recently used first; a session in use or with unsaved changes is never closed here.
    for (Iterator<Map.Entry<String, WorkflowSession>> it = named.entrySet().iterator();
        it.hasNext() && named.size() > maxOpenNamed; ) {
      Map.Entry<String, WorkflowSession> e = it.next();
      WorkflowSession session = e.getValue();
      if (!currentByConnection.containsValue(session) && !session.hasUnsavedChanges()) {
        it.remove();
        closed(session, "more than " + maxOpenNamed + " named sessions were open");
      }
    }
    if (named.size() > maxOpenNamed) {
      log.warn(
          "{} named sessions are open (bound {}): the others are in use or have unsaved changes",
          named.size(),
          maxOpenNamed);
    }
  }

  private void closed(WorkflowSession session, String why) {
    if (session.hasUnsavedChanges()) {
      log.warn("closed {} with unsaved changes ({})", session.describe(), why);
    } else {
      log.debug("closed {} ({})", session.describe(), why);
    }
  }

  private void recount() {
    int scratch = 0;
    for (WorkflowSession s : currentByConnection.values()) {
      if (!named.containsValue(s)) {
        scratch++;
      }
    }
    openCount = scratch + named.size();
  }
}
