package dev.comfyagent.runtime.workflow;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One thing wrong with a workflow.
 *
 * @param severity {@link Severity#ERROR} when ComfyUI would refuse or fail the prompt, {@link
 *     Severity#WARNING} when it would run but probably not as meant
 * @param nodeId the node, or {@code null} for the workflow as a whole
 * @param classType the node's class_type, or {@code null}
 * @param input the input concerned, or {@code null}
 * @param message what is wrong, readable on its own after "node 3 (KSampler) seed: "
 * @param suggestion what to do about it, or {@code null}
 */
public record ValidationProblem(
    Severity severity,
    String nodeId,
    String classType,
    String input,
    String message,
    String suggestion) {

  /** How bad a problem is. */
  public enum Severity {
    ERROR,
    WARNING
  }

  /** One readable line: {@code node 3 (KSampler) seed: ... (suggestion: ...)}. */
  public String describe() {
    StringBuilder line = new StringBuilder();
    line.append(severity == Severity.ERROR ? "error: " : "warning: ");
    if (nodeId != null) {
      line.append("node ").append(nodeId);
      if (classType != null) {
        line.append(" (").append(classType).append(')');
      }
      if (input != null) {
        line.append(' ').append(input);
      }
      line.append(": ");
    }
    line.append(message);
    if (suggestion != null) {
      line.append(" — ").append(suggestion);
    }
    return line.toString();
  }

  /** The problem as JSON. */
  public ObjectNode toJson() {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("severity", severity.name().toLowerCase(java.util.Locale.ROOT));
    json.put("node_id", nodeId);
    json.put("class_type", classType);
    json.put("input", input);
    json.put("message", message);
    json.put("suggestion", suggestion);
    return json;
  }
}
