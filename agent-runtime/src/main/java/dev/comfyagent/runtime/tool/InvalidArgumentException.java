package dev.comfyagent.runtime.tool;

/** A tool argument is missing, of the wrong type, or out of range. */
public class InvalidArgumentException extends ToolException {

  private static final long serialVersionUID = 1L;

  public InvalidArgumentException(String message) {
    super(message);
  }
}
