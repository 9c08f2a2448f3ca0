package dev.comfyagent.runtime.workflow;

import dev.comfyagent.runtime.tool.ToolException;

/** A document that is not a ComfyUI workflow in a format the runtime can read. */
public class WorkflowFormatException extends ToolException {

  private static final long serialVersionUID = 1L;

  public WorkflowFormatException(String message) {
    super(message);
  }

  public WorkflowFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
