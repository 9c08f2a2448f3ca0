package dev.comfyagent.runtime.comfy;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * ComfyUI refused a prompt with 400: {@code {error: {type, message, details, extra_info},
 * node_errors: {id: {errors: [...], dependent_outputs, class_type}}}}. The message is the readable
 * form ("node 3 (KSampler): steps: Value 0 smaller than min of 1"); {@link #nodeErrors()} the raw
 * JSON for structured results.
 */
public class PromptRejectedException extends ComfyUiHttpException {

  private static final long serialVersionUID = 1L;

  private final transient JsonNode error;
  private final transient JsonNode nodeErrors;

  public PromptRejectedException(String message, JsonNode error, JsonNode nodeErrors) {
    super(400, message);
    this.error = error;
    this.nodeErrors = nodeErrors;
  }

  /** ComfyUI's {@code error} object. */
  public JsonNode error() {
    return error;
  }

  /** ComfyUI's {@code node_errors} object, keyed by node id. */
  public JsonNode nodeErrors() {
    return nodeErrors;
  }
}
