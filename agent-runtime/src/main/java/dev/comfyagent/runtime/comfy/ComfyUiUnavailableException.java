package dev.comfyagent.runtime.comfy;

/**
 * ComfyUI could not be reached (refused, timed out, or the circuit breaker is open). The message
 * names host:port and the breaker state, e.g. "ComfyUI at 127.0.0.1:8188 is not reachable
 * (connection refused); circuit breaker OPEN, next try in 27 s".
 */
public class ComfyUiUnavailableException extends ComfyUiException {

  private static final long serialVersionUID = 1L;

  public ComfyUiUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
