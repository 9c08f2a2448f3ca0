package dev.comfyagent.runtime.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.session.SessionRegistry;
import dev.comfyagent.runtime.tool.InvalidArgumentException;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolResult;
import java.util.List;

/** What the workflow tools share: finding the connection's state, reading patches, wording. */
final class WorkflowToolSupport {

  static final int MAX_LISTED_CHANGES = 40;

  private WorkflowToolSupport() {}

  static WorkflowState state(SessionRegistry sessions, ToolContext context) {
    return sessions.current(context.connectionId()).workflow();
  }

  /**
   * The schema of a {@code patch} argument: an array of RFC 6902 operations, or a string holding
   * one (as some assistants send it; {@link JsonPatch#parse} reads both).
   */
  static ObjectNode patchSchema(String description) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode op = f.objectNode();
    op.put("type", "object");
    ObjectNode props = op.putObject("properties");
    ArrayNode ops = props.putObject("op").put("type", "string").putArray("enum");
    for (PatchOperation.Op o : PatchOperation.Op.values()) {
      ops.add(o.jsonName());
    }
    props
        .putObject("path")
        .put("type", "string")
        .put("description", "JSON Pointer, e.g. /3/inputs/seed");
    props
        .putObject("from")
        .put("type", "string")
        .put("description", "source pointer of move and copy");
    props.putObject("value").put("description", "the value of add, replace and test");
    op.putArray("required").add("op").add("path");
    ObjectNode schema = f.objectNode();
    schema.putArray("type").add("array").add("string");
    schema.put("description", description);
    schema.set("items", op);
    return schema;
  }

  /** The {@code patch} argument: an array of operations, or a JSON string holding one. */
  static JsonPatch patchArgument(ObjectNode arguments) {
    JsonNode patch = arguments.get("patch");
    if (patch == null || patch.isNull()) {
      throw new InvalidArgumentException(
          "argument 'patch' is required: an array of RFC 6902 operations such as"
              + " [{\"op\": \"replace\", \"path\": \"/3/inputs/seed\", \"value\": 42}]");
    }
    return JsonPatch.parse(patch);
  }

  /** A failed patch as an error result that says nothing changed and which op failed. */
  static ToolResult patchFailed(PatchException e) {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("applied", false);
    json.put("failed_op", e.operationIndex());
    json.put("error", e.getMessage());
    return ToolResult.error(
        e.getMessage() + "\nNothing was changed (a patch applies all or nothing).", json);
  }

  /** Change lines, at most {@link #MAX_LISTED_CHANGES}, each prefixed with "- ". */
  static String listChanges(List<String> lines) {
    if (lines.isEmpty()) {
      return "(no changes)";
    }
    StringBuilder out = new StringBuilder();
    int shown = Math.min(lines.size(), MAX_LISTED_CHANGES);
    for (int i = 0; i < shown; i++) {
      if (i > 0) {
        out.append('\n');
      }
      out.append("- ").append(lines.get(i));
    }
    if (lines.size() > shown) {
      out.append("\n- ... and ")
          .append(lines.size() - shown)
          .append(" more (see structuredContent)");
    }
    return out.toString();
  }

  /** A node id argument: a string, or an integer as assistants often send. */
  static String nodeId(ObjectNode arguments, String name) {
    JsonNode value = arguments.get(name);
    if (value == null || value.isNull()) {
      throw new InvalidArgumentException(
          "argument '" + name + "' is required (a node id like \"3\")");
    }
    if (value.isTextual() && !value.asText().isBlank()) {
      return value.asText();
    }
    if (value.isIntegralNumber()) {
      return value.asText();
    }
    throw new InvalidArgumentException(
        "argument '" + name + "' must be a node id like \"3\", got " + LiteralCheck.show(value));
  }

  static String plural(long n, String word) {
    return n + " " + word + (n == 1 ? "" : "s");
  }
}
