package dev.comfyagent.runtime.comfy;

/** ComfyUI answered with an error status, or with a body that is not the JSON it should be. */
public class ComfyUiHttpException extends ComfyUiException {

  private static final long serialVersionUID = 1L;

  private final int status;

  public ComfyUiHttpException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** The HTTP status, or 200 when the status was fine but the body was malformed. */
  public int status() {
    return status;
  }
}
