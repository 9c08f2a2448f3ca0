package dev.comfyagent.runtime.session;

/**
 * A save refused because the session file is not what the saver expected: a session of that name
 * exists though a new one was being created, or another save (from another connection or another
 * runtime sharing the sessions directory) replaced the revision this connection loaded or last
 * saved. Nothing was written. {@link #onDisk()} says who saved what is there, and when.
 */
public final class SessionConflictException extends SessionFileException {

  private static final long serialVersionUID = 1L;

  private final transient StoredSession onDisk;
  private final transient SessionStore.Expectation expected;

  SessionConflictException(StoredSession onDisk, SessionStore.Expectation expected) {
    super(
        Problem.CONFLICT,
        "session '"
            + onDisk.name()
            + "' on disk is not the one expected ("
            + onDisk.describeSave()
            + "); nothing was written");
    this.onDisk = onDisk;
    this.expected = expected;
  }

  /** The session as it is on disk now. */
  public StoredSession onDisk() {
    return onDisk;
  }

  /** What the save expected. */
  public SessionStore.Expectation expected() {
    return expected;
  }
}
