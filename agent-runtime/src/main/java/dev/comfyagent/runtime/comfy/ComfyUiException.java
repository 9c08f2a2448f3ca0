package dev.comfyagent.runtime.comfy;

import dev.comfyagent.runtime.tool.ToolException;

/** A ComfyUI call that failed; subclasses say how. The message is meant for the artist. */
public class ComfyUiException extends ToolException {

  private static final long serialVersionUID = 1L;

  public ComfyUiException(String message) {
    super(message);
  }

  public ComfyUiException(String message, Throwable cause) {
    super(message, cause);
  }
}
