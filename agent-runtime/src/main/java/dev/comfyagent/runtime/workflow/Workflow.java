package dev.comfyagent.runtime.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
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
 * <p>Instances are immutable (the JSON is copied in and out) and thread-safe. Versions made by
 * {@link WorkflowPatcher} share unchanged subtrees with the version they came from; that is safe
 * because no code in this package changes a tree it did not create during the same patch.
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
    for (Map.Entry<String, JsonNode> node : api.properties()) {
      String problem = structuralProblem(node.getValue());
      if (problem != null) {
        throw new WorkflowFormatException("node " + node.getKey() + " " + problem);
      }
    }
    return new Workflow(api.deepCopy());
  }

  /** Wraps a tree this package built and will never change again; no copy, no checks. */
  static Workflow adopt(ObjectNode api) {
    return new Workflow(api);
  }

  /**
   * Why {@code body} is not an API-format node, or {@code null} when it is one. The message reads
   * after "node 12 ".
   */
  static String structuralProblem(JsonNode body) {
    if (!body.isObject()) {
      return "is not an object (API format maps node ids to {class_type, inputs})";
    }
    if (!body.path("class_type").isTextual()) {
      return "has no class_type";
    }
    JsonNode inputs = body.get("inputs");
    if (inputs != null && !inputs.isObject()) {
      return "has inputs that are not an object";
    }
    return null;
  }

  /** The API-format JSON, as a copy the caller may change. */
  public ObjectNode apiJson() {
    return api.deepCopy();
  }

  /** The tree itself, for readers in this package; must never be changed. */
  ObjectNode tree() {
    return api;
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

  /** Whether a node of that id exists. */
  public boolean hasNode(String nodeId) {
    return api.has(nodeId);
  }

  /** The node's {@code class_type}, if the node exists. */
  public Optional<String> classTypeOf(String nodeId) {
    JsonNode node = api.get(nodeId);
    return node == null ? Optional.empty() : Optional.of(node.path("class_type").asText());
  }

  /** The node's {@code _meta.title}, if it has one. */
  public Optional<String> titleOf(String nodeId) {
    JsonNode title = api.path(nodeId).path("_meta").path("title");
    return title.isTextual() ? Optional.of(title.asText()) : Optional.empty();
  }

  /** The names of the node's inputs in document order (empty when the node does not exist). */
  public Set<String> inputNames(String nodeId) {
    Set<String> names = new LinkedHashSet<>();
    api.path(nodeId).path("inputs").fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** A copy of the value of one input (a literal or a link), if the node has it. */
  public Optional<JsonNode> input(String nodeId, String inputName) {
    JsonNode value = api.path(nodeId).path("inputs").get(inputName);
    return value == null ? Optional.empty() : Optional.of(value.deepCopy());
  }

  /**
   * Every well-formed link, in document order: inputs whose value is {@code ["<id>", <index>]}.
   * Malformed links are left to {@link WorkflowValidator}.
   */
  public List<Link> links() {
    List<Link> links = new ArrayList<>();
    for (Map.Entry<String, JsonNode> node : api.properties()) {
      for (Map.Entry<String, JsonNode> input : node.getValue().path("inputs").properties()) {
        Link.parse(input.getValue())
            .ifPresent(
                l -> links.add(new Link(l.fromNode, l.fromOutput, node.getKey(), input.getKey())));
      }
    }
    return links;
  }

  /** Whether an input value is a link (any array, as ComfyUI treats every list input as one). */
  public static boolean isLink(JsonNode value) {
    return value != null && value.isArray();
  }

  /** Pretty-printed API-format JSON, numbers exact. */
  public String toPrettyJson() {
    return WorkflowJson.pretty(api);
  }

  /**
   * Equal when the API JSON is equal (same nodes, inputs and literal values), numbers compared by
   * value as ComfyUI reads them: {@code 7.5} equals {@code 7.50} ({@link JsonValues#same}).
   */
  @Override
  public boolean equals(Object other) {
    return other instanceof Workflow w && JsonValues.same(w.api, api);
  }

  /** Hashes the node ids and their class types, which number spelling cannot change. */
  @Override
  public int hashCode() {
    int hash = 1;
    for (Map.Entry<String, JsonNode> node : api.properties()) {
      hash = 31 * hash + node.getKey().hashCode();
      hash = 31 * hash + node.getValue().path("class_type").asText("").hashCode();
    }
    return hash;
  }

  @Override
  public String toString() {
    return "Workflow" + nodeIds();
  }

  /**
   * One connection: output {@code fromOutput} of node {@code fromNode} feeds input {@code toInput}
   * of node {@code toNode}.
   */
  public record Link(String fromNode, int fromOutput, String toNode, String toInput) {

    /** The source of a well-formed link value {@code ["4", 0]}; numeric ids are accepted. */
    static Optional<Link> parse(JsonNode value) {
      if (value == null
          || !value.isArray()
          || value.size() != 2
          || !(value.get(0).isTextual() || value.get(0).isIntegralNumber())
          || !value.get(1).isIntegralNumber()
          || !value.get(1).canConvertToInt()
          || value.get(1).intValue() < 0) {
        return Optional.empty();
      }
      return Optional.of(new Link(value.get(0).asText(), value.get(1).intValue(), null, null));
    }
  }
}
