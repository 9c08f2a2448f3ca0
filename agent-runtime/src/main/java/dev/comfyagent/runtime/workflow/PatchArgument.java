package dev.comfyagent.runtime.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.tool.InvalidArgumentException;
import dev.comfyagent.runtime.tool.ToolResult;

/**
 * The {@code patch} argument of {@code apply_workflow_patch} and {@code preview_workflow_patch}:
 * its schema, how it is read, and the answer when it cannot be applied.
 *
 * <p>Stateless and thread-safe.
 */
final class PatchArgument {

  private PatchArgument() {}

  /**
   * The schema of a {@code patch} argument: an array of RFC 6902 operations, or a string holding
   * one (as some assistants send it; {@link JsonPatch#parse} reads both).
   */
  static ObjectNode schema(String description) {
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

  /**
   * The {@code patch} argument: an array of operations, or a JSON string holding one.
   *
   * @throws InvalidArgumentException when it is missing
   * @throws PatchException when it is not a well-formed patch
   */
  static JsonPatch read(ObjectNode arguments) {
    JsonNode patch = arguments.get("patch");
    if (patch == null || patch.isNull()) {
      throw new InvalidArgumentException(
          "argument 'patch' is required: an array of RFC 6902 operations such as"
              + " [{\"op\": \"replace\", \"path\": \"/3/inputs/seed\", \"value\": 42}]");
    }
    return JsonPatch.parse(patch);
  }

  /** A failed patch as an error result that says nothing changed and which op failed. */
  static ToolResult failed(PatchException e) {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("applied", false);
    json.put("failed_op", e.operationIndex());
    json.put("error", e.getMessage());
    return ToolResult.error(
        e.getMessage() + "\nNothing was changed (a patch applies all or nothing).", json);
  }
}
