package dev.comfyagent.runtime.workflow;

/** The shapes a workflow document comes in. */
public enum WorkflowFormat {
  /** API format: node ids mapped to {@code {class_type, inputs}} ("Save (API Format)"). */
  API("API format"),
  /** UI (litegraph) format that carries the API prompt in {@code extra.prompt}. */
  UI_WITH_PROMPT("UI format with an embedded API prompt"),
  /** UI (litegraph) format alone: widget values by position, converted with /object_info. */
  UI_ONLY("UI format, converted with ComfyUI's node catalog");

  private final String description;

  WorkflowFormat(String description) {
    this.description = description;
  }

  /** How to call the format in messages. */
  public String description() {
    return description;
  }
}
