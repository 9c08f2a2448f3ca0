package dev.comfyagent.runtime.tool;

/**
 * A tool call that cannot be carried out because of its input or the state of ComfyUI. The message
 * is shown to the assistant as an {@code isError} result, so it names the problem and, where it
 * can, what to do instead ("node 12 does not exist; the workflow has nodes 3, 4, 5").
 *
 * <p>Subclasses name the kind of failure; the agent reports the class as {@code error.type}.
 */
public class ToolException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ToolException(String message) {
    super(message);
  }

  public ToolException(String message, Throwable cause) {
    super(message, cause);
  }
}
