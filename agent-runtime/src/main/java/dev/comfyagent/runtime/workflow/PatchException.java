package dev.comfyagent.runtime.workflow;

import dev.comfyagent.runtime.tool.ToolException;

/**
 * A JSON Patch that is malformed or cannot be applied to the workflow. The message names the
 * operation's index (from 0), its op and path, and the reason: {@code "patch op 3 (replace
 * /12/inputs/seed): node 12 does not exist"}. When it is thrown nothing was changed.
 */
public class PatchException extends ToolException {

  private static final long serialVersionUID = 1L;

  private final int operationIndex;

  public PatchException(int operationIndex, String message) {
    super(message);
    this.operationIndex = operationIndex;
  }

  /** Index (from 0) of the operation that failed, or -1 when the patch as a whole is wrong. */
  public int operationIndex() {
    return operationIndex;
  }
}
