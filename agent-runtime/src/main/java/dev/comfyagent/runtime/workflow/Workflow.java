package dev.comfyagent.runtime.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A ComfyUI workflow in API format: {@code {"<node id>": {"class_type": ..., "inputs": {...},
 * "_meta": {"title": ...}}}}, where an input is either a literal or a link {@code ["<source id>",
 * <output index>]}.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * Workflow wf = Workflow.ofApi(promptJson);          // throws WorkflowFormatException when malformed
 * wf.classTypeOf("3");                                // Optional["KSampler"]
 * ObjectNode toSend = wf.apiJson();                   // a copy, safe to change or serialise
 * }</pre>
 *
 * <p>Instances are immutable (the JSON is copied in and out) and thread-safe.
 */
public final class Workflow {

  private final ObjectNode api;

  private Workflow(ObjectNode api) {
    this.api = api;
  }

  /**
   * A workflow from API-format JSON; the JSON is copied.
   *
   * @throws WorkflowFormatException when a node is not an object with a string {@code class_type}
   *     and an object {@code inputs}, naming the first such node
   */
  public static Workflow ofApi(ObjectNode api) {
    for (Iterator<Map.Entry<String, JsonNode>> it = api.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> node = it.next();
      JsonNode body = node.getValue();
      if (!body.isObject()) {
        throw new WorkflowFormatException(
            "node " + node.getKey() + " is not an object (API format maps node ids to nodes)");
      }
      if (!body.path("class_type").isTextual()) {
        throw new WorkflowFormatException("node " + node.getKey() + " has no class_type");
      }
      JsonNode inputs = body.get("inputs");
      if (inputs != null && !inputs.isObject()) {
        throw new WorkflowFormatException("node " + node.getKey() + ": inputs must be an object");
      }
    }
    return new Workflow(api.deepCopy());
  }

  /** The API-format JSON, as a copy the caller may change. */
  public ObjectNode apiJson() {
    return api.deepCopy();
  }

  /** Number of nodes. */
  public int size() {
    return api.size();
  }

  /** Node ids in document order. */
  public Set<String> nodeIds() {
    Set<String> ids = new LinkedHashSet<>();
    api.fieldNames().forEachRemaining(ids::add);
    return ids;
  }

  /** The node's {@code class_type}, if the node exists. */
  public Optional<String> classTypeOf(String nodeId) {
    JsonNode node = api.get(nodeId);
    return node == null ? Optional.empty() : Optional.of(node.path("class_type").asText());
  }
}
