package dev.comfyagent.instrument.attach;

/**
 * Why the attach command could not do what it was asked, in words the operator can act on. The
 * message is printed as is; the exit status says whether the command line itself was wrong.
 */
final class AttachFailure extends Exception {

  private static final long serialVersionUID = 1L;

  private final int exitStatus;

  AttachFailure(String message) {
    this(message, AttachCommand.EXIT_FAILED);
  }

  AttachFailure(String message, int exitStatus) {
    super(message);
    this.exitStatus = exitStatus;
  }

  /**
   * {@link AttachCommand#EXIT_USAGE} for a wrong command line, else {@link
   * AttachCommand#EXIT_FAILED}.
   */
  int exitStatus() {
    return exitStatus;
  }
}
