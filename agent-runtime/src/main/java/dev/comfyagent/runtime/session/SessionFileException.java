package dev.comfyagent.runtime.session;

import dev.comfyagent.runtime.tool.ToolException;

/**
 * A session file that cannot be used: missing, not valid JSON, written by a newer runtime, or not
 * writable. The message names the file and what to do; the file itself is never changed by the
 * failure.
 */
public class SessionFileException extends ToolException {

  private static final long serialVersionUID = 1L;

  private final Problem problem;

  public SessionFileException(Problem problem, String message) {
    super(message);
    this.problem = problem;
  }

  public SessionFileException(Problem problem, String message, Throwable cause) {
    super(message, cause);
    this.problem = problem;
  }

  /** What is wrong with the file. */
  public Problem problem() {
    return problem;
  }

  /** What can be wrong with a session file. */
  public enum Problem {
    /** There is no file of that name. */
    NOT_FOUND,
    /** The file is not a session this runtime can read (bad JSON, missing or wrong fields). */
    CORRUPT,
    /** The file was written by a newer runtime with a higher {@code schema_version}. */
    NEWER_SCHEMA,
    /** Reading or writing failed (permissions, disk full, ...). */
    IO,
    /** Another save got there first: the file is not the one the saver expected. */
    CONFLICT
  }
}
