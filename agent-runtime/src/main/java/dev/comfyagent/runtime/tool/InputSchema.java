package dev.comfyagent.runtime.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Builds the JSON Schema of a tool's arguments: an object with named, described properties.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * ObjectNode schema = InputSchema.object()
 *     .requiredString("node_id", "Id of the node in the current workflow")
 *     .optionalInteger("limit", "At most this many results", 1, 100)
 *     .build();
 * }</pre>
 *
 * <p>Not thread-safe; build once, in the tool's constructor.
 */
public final class InputSchema {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final ObjectNode schema = JSON.objectNode();
  private final ObjectNode properties = JSON.objectNode();
  private final ArrayNode required = JSON.arrayNode();

  private InputSchema() {
    schema.put("type", "object");
  }

  /** Starts an object schema. */
  public static InputSchema object() {
    return new InputSchema();
  }

  public InputSchema requiredString(String name, String description) {
    return property(name, true, typed("string", description));
  }

  public InputSchema optionalString(String name, String description) {
    return property(name, false, typed("string", description));
  }

  public InputSchema optionalEnum(String name, String description, String... values) {
    ObjectNode p = typed("string", description);
    ArrayNode choices = p.putArray("enum");
    for (String v : values) {
      choices.add(v);
    }
    return property(name, false, p);
  }

  public InputSchema requiredInteger(String name, String description, long min, long max) {
    return property(name, true, bounded("integer", description, min, max));
  }

  public InputSchema optionalInteger(String name, String description, long min, long max) {
    return property(name, false, bounded("integer", description, min, max));
  }

  public InputSchema optionalNumber(String name, String description) {
    return property(name, false, typed("number", description));
  }

  public InputSchema optionalBoolean(String name, String description) {
    return property(name, false, typed("boolean", description));
  }

  /** A property whose value may be any JSON (a node input's literal, an inline workflow). */
  public InputSchema requiredAny(String name, String description) {
    return property(name, true, described(description));
  }

  public InputSchema optionalAny(String name, String description) {
    return property(name, false, described(description));
  }

  public InputSchema requiredObject(String name, String description) {
    return property(name, true, typed("object", description));
  }

  public InputSchema optionalObject(String name, String description) {
    return property(name, false, typed("object", description));
  }

  /** An array property whose items follow {@code itemSchema}. */
  public InputSchema requiredArray(String name, String description, JsonNode itemSchema) {
    ObjectNode p = typed("array", description);
    p.set("items", itemSchema);
    return property(name, true, p);
  }

  /** Any property schema written by hand, for shapes the shortcuts above do not cover. */
  public InputSchema property(String name, boolean isRequired, ObjectNode propertySchema) {
    if (properties.has(name)) {
      throw new IllegalArgumentException("property " + name + " is declared twice");
    }
    properties.set(name, propertySchema);
    if (isRequired) {
      required.add(name);
    }
    return this;
  }

  /** The finished schema; unknown properties are rejected so typos reach the assistant. */
  public ObjectNode build() {
    ObjectNode result = schema.deepCopy();
    result.set("properties", properties.deepCopy());
    if (!required.isEmpty()) {
      result.set("required", required.deepCopy());
    }
    result.put("additionalProperties", false);
    return result;
  }

  private static ObjectNode described(String description) {
    ObjectNode p = JSON.objectNode();
    p.put("description", description);
    return p;
  }

  private static ObjectNode typed(String type, String description) {
    ObjectNode p = JSON.objectNode();
    p.put("type", type);
    p.put("description", description);
    return p;
  }

  private static ObjectNode bounded(String type, String description, long min, long max) {
    ObjectNode p = typed(type, description);
    p.put("minimum", min);
    p.put("maximum", max);
    return p;
  }
}
