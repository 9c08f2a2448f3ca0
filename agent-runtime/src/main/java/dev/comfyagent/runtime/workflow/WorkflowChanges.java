package dev.comfyagent.runtime.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Readable lines for the differences between two versions of a workflow ({@code node 3 (KSampler)
 * seed: 42 -> 7}), as shown by the patch, preview, undo, reset and diff tools.
 *
 * <p>Stateless and thread-safe.
 */
public final class WorkflowChanges {

  private WorkflowChanges() {}

  /** One line per change from {@code before} to {@code after}. */
  public static List<String> describe(Workflow before, Workflow after) {
    JsonPatch diff = WorkflowDiff.between(before, after);
    List<String> lines = new ArrayList<>(diff.size());
    for (PatchOperation op : diff.operations()) {
      lines.add(describe(op, before.tree(), after.tree()));
    }
    return lines;
  }

  /** The changes as JSON: {@code [{op, path, node_id, input, before, after}]}. */
  public static ArrayNode toJson(Workflow before, Workflow after) {
    JsonPatch diff = WorkflowDiff.between(before, after);
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    for (PatchOperation op : diff.operations()) {
      List<String> tokens = PatchOperation.tokens(op.path());
      ObjectNode change = array.addObject();
      change.put("op", op.op().jsonName());
      change.put("path", op.path());
      change.put("node_id", tokens.isEmpty() ? null : tokens.get(0));
      if (tokens.size() == 3 && "inputs".equals(tokens.get(1))) {
        change.put("input", tokens.get(2));
      }
      JsonNode old = at(before.tree(), tokens);
      JsonNode now = at(after.tree(), tokens);
      if (old != null) {
        change.set("before", old.deepCopy());
      }
      if (now != null) {
        change.set("after", now.deepCopy());
      }
    }
    return array;
  }

  private static String describe(PatchOperation op, JsonNode before, JsonNode after) {
    List<String> tokens = PatchOperation.tokens(op.path());
    JsonNode old = at(before, tokens);
    JsonNode now = at(after, tokens);
    if (tokens.size() == 1) {
      String id = tokens.get(0);
      return switch (op.op()) {
        case ADD -> "node " + id + " (" + now.path("class_type").asText() + ") added";
        case REMOVE -> "node " + id + " (" + old.path("class_type").asText() + ") removed";
        default -> "node " + id + " replaced";
      };
    }
    String where;
    if (tokens.size() >= 2) {
      JsonNode node = now != null || after.has(tokens.get(0)) ? after.get(tokens.get(0)) : null;
      if (node == null) {
        node = before.get(tokens.get(0));
      }
      String type = node == null ? "" : " (" + node.path("class_type").asText() + ")";
      String rest =
          tokens.size() == 3 && "inputs".equals(tokens.get(1))
              ? tokens.get(2)
              : op.path().substring(op.path().indexOf('/', 1) + 1);
      where = "node " + tokens.get(0) + type + " " + rest;
    } else {
      where = "the whole workflow";
    }
    return switch (op.op()) {
      case ADD -> where + ": set to " + show(now) + " (new)";
      case REMOVE -> where + ": removed (was " + show(old) + ")";
      default -> where + ": " + show(old) + " -> " + show(now);
    };
  }

  private static JsonNode at(JsonNode root, List<String> tokens) {
    JsonNode node = root;
    for (String token : tokens) {
      if (node == null) {
        return null;
      }
      node = node.isArray() ? node.get(Integer.parseInt(token)) : node.get(token);
    }
    return node;
  }

  private static String show(JsonNode value) {
    if (value == null) {
      return "nothing";
    }
    String text = WorkflowJson.compact(value);
    return text.length() > 120 ? text.substring(0, 117) + "..." : text;
  }
}
