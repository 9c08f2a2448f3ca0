package dev.comfyagent.runtime.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Builds the JSON Schema of a tool's arguments: an object with named, described properties, and no
 * others ({@code additionalProperties: false}).
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
 * <p>Contract of every builder method: {@code name} is the argument's name as clients send it;
 * {@code description} is written for the assistant that fills the argument in; a name declared
 * twice throws {@link IllegalArgumentException}; each method returns this builder. The schema only
 * describes: the MCP layer checks arguments against it before a tool runs, and the tool reads them
 * through {@link ToolArguments}, which applies the same rules.
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

  /** A string the client must send. */
  public InputSchema requiredString(String name, String description) {
    return property(name, true, typed("string", description));
  }

  /** A string the client may leave out. */
  public InputSchema optionalString(String name, String description) {
    return property(name, false, typed("string", description));
  }

  /** A string the client may leave out; when sent, one of {@code values} (case-sensitive). */
  public InputSchema optionalEnum(String name, String description, String... values) {
    ObjectNode p = typed("string", description);
    ArrayNode choices = p.putArray("enum");
    for (String v : values) {
      choices.add(v);
    }
    return property(name, false, p);
  }

  /**
   * An integer the client must send, from {@code min} to {@code max}, both inclusive (JSON Schema's
   * {@code minimum} and {@code maximum}).
   *
   * @throws IllegalArgumentException when {@code min > max}
   */
  public InputSchema requiredInteger(String name, String description, long min, long max) {
    return property(name, true, bounded("integer", description, min, max));
  }

  /**
   * An integer the client may leave out; when sent, from {@code min} to {@code max}, both
   * inclusive.
   *
   * @throws IllegalArgumentException when {@code min > max}
   */
  public InputSchema optionalInteger(String name, String description, long min, long max) {
    return property(name, false, bounded("integer", description, min, max));
  }

  /** A number (integer or decimal, unbounded) the client may leave out. */
  public InputSchema optionalNumber(String name, String description) {
    return property(name, false, typed("number", description));
  }

  /** {@code true} or {@code false}, which the client may leave out. */
  public InputSchema optionalBoolean(String name, String description) {
    return property(name, false, typed("boolean", description));
  }

  /**
   * A property the client must send, whose value may be any JSON, {@code null} included (a node
   * input's literal, an inline workflow).
   */
  public InputSchema requiredAny(String name, String description) {
    return property(name, true, described(description));
  }

  /** A property of any JSON value, which the client may leave out. */
  public InputSchema optionalAny(String name, String description) {
    return property(name, false, described(description));
  }

  /** A JSON object the client must send; its members are not described further. */
  public InputSchema requiredObject(String name, String description) {
    return property(name, true, typed("object", description));
  }

  /** A JSON object the client may leave out; its members are not described further. */
  public InputSchema optionalObject(String name, String description) {
    return property(name, false, typed("object", description));
  }

  /** An array the client must send, whose items follow {@code itemSchema} (not copied). */
  public InputSchema requiredArray(String name, String description, JsonNode itemSchema) {
    ObjectNode p = typed("array", description);
    p.set("items", itemSchema);
    return property(name, true, p);
  }

  /**
   * Any property schema written by hand, for shapes the shortcuts above do not cover.
   *
   * @param isRequired whether the client must send it
   * @param propertySchema the property's JSON Schema (not copied: do not change it afterwards)
   * @throws IllegalArgumentException when {@code name} was declared already
   */
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

  /**
   * The finished schema, a copy: building again gives an equal, independent one. Unknown properties
   * are rejected ({@code additionalProperties: false}) so that typos reach the assistant.
   */
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
    if (min > max) {
      throw new IllegalArgumentException(
          "minimum " + min + " is above maximum " + max + " in " + description);
    }
    ObjectNode p = typed(type, description);
    p.put("minimum", min);
    p.put("maximum", max);
    return p;
  }
}
