package dev.comfyagent.runtime.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.comfyagent.runtime.workflow.PatchOperation.Op;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * An RFC 6902 JSON Patch: a list of operations applied in order, all or nothing.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * JsonPatch patch = JsonPatch.parse(arguments.get("patch"));  // array, or a JSON string of one
 * Workflow next = WorkflowPatcher.apply(current, patch).result();
 * }</pre>
 *
 * <p>Immutable and thread-safe: values are copied in at parsing and never changed.
 */
public final class JsonPatch {

  private static final JsonPatch EMPTY = new JsonPatch(List.of());

  private final List<PatchOperation> operations;

  private JsonPatch(List<PatchOperation> operations) {
    this.operations = List.copyOf(operations);
  }

  /** A patch of the given operations. */
  public static JsonPatch of(List<PatchOperation> operations) {
    return operations.isEmpty() ? EMPTY : new JsonPatch(operations);
  }

  /** The patch that does nothing. */
  public static JsonPatch empty() {
    return EMPTY;
  }

  /**
   * Reads a patch from its JSON form: an array of operation objects, or a string holding one (as
   * some assistants send it).
   *
   * @throws PatchException naming the first malformed operation and what is wrong with it
   */
  public static JsonPatch parse(JsonNode json) {
    JsonNode array = json;
    if (json != null && json.isTextual()) {
      try {
        array = WorkflowJson.parse(json.asText(), "the patch string");
      } catch (WorkflowFormatException e) {
        throw new PatchException(-1, e.getMessage());
      }
    }
    if (array != null && array.isObject() && array.has("op")) {
      throw new PatchException(
          -1, "a JSON Patch is an array of operations; wrap the single operation in [ ]");
    }
    if (array == null || !array.isArray()) {
      throw new PatchException(
          -1,
          "a JSON Patch must be an array of operations like"
              + " [{\"op\": \"replace\", \"path\": \"/3/inputs/seed\", \"value\": 42}]");
    }
    List<PatchOperation> ops = new ArrayList<>(array.size());
    int index = 0;
    for (Iterator<JsonNode> it = array.elements(); it.hasNext(); index++) {
      ops.add(parseOne(index, it.next()));
    }
    return of(ops);
  }

  private static PatchOperation parseOne(int index, JsonNode json) {
    String at = "patch op " + index;
    if (!json.isObject()) {
      throw new PatchException(
          index, at + ": an operation must be an object, got " + LiteralCheck.show(json));
    }
    JsonNode opNode = json.get("op");
    if (opNode == null || !opNode.isTextual()) {
      throw new PatchException(
          index, at + ": 'op' is required (add, remove, replace, move, copy or test)");
    }
    Op op =
        switch (opNode.asText()) {
          case "add" -> Op.ADD;
          case "remove" -> Op.REMOVE;
          case "replace" -> Op.REPLACE;
          case "move" -> Op.MOVE;
          case "copy" -> Op.COPY;
          case "test" -> Op.TEST;
          default ->
              throw new PatchException(
                  index,
                  at
                      + ": unknown op '"
                      + opNode.asText()
                      + "' (use add, remove, replace, move, copy or test)");
        };
    String path = pointer(index, at + " (" + op.jsonName() + ")", json, "path");
    String from = null;
    if (op == Op.MOVE || op == Op.COPY) {
      from = pointer(index, at + " (" + op.jsonName() + " " + path + ")", json, "from");
    }
    JsonNode value = null;
    if (op == Op.ADD || op == Op.REPLACE || op == Op.TEST) {
      if (!json.has("value")) {
        throw new PatchException(
            index, at + " (" + op.jsonName() + " " + path + "): 'value' is required");
      }
      value = json.get("value").deepCopy();
    }
    return new PatchOperation(op, path, from, value);
  }

  private static String pointer(int index, String at, JsonNode json, String member) {
    JsonNode node = json.get(member);
    if (node == null || !node.isTextual()) {
      throw new PatchException(
          index, at + ": '" + member + "' is required, a JSON Pointer such as /3/inputs/seed");
    }
    try {
      PatchOperation.tokens(node.asText());
    } catch (IllegalArgumentException e) {
      throw new PatchException(index, at + ": " + e.getMessage());
    }
    return node.asText();
  }

  /** The operations in order. */
  public List<PatchOperation> operations() {
    return operations;
  }

  public int size() {
    return operations.size();
  }

  public boolean isEmpty() {
    return operations.isEmpty();
  }

  /** Whether any operation changes the document ({@code test} alone does not). */
  public boolean changesSomething() {
    for (PatchOperation op : operations) {
      if (op.op() != Op.TEST) {
        return true;
      }
    }
    return false;
  }

  /** The RFC 6902 JSON form (a copy). */
  public ArrayNode toJson() {
    ArrayNode array = JsonNodeFactory.instance.arrayNode(operations.size());
    for (PatchOperation op : operations) {
      array.add(op.toJson());
    }
    return array;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof JsonPatch p && p.operations.equals(operations);
  }

  @Override
  public int hashCode() {
    return operations.hashCode();
  }

  @Override
  public String toString() {
    return WorkflowJson.compact(toJson());
  }
}
