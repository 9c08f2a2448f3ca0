package dev.comfyagent.runtime.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * Reads a tool's arguments with errors that name the argument and what was wrong with it.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * ToolArguments args = ToolArguments.of(arguments);
 * String nodeId = args.requiredString("node_id");
 * int limit = args.optionalInt("limit", 1, 100).orElse(20);
 * }</pre>
 */
public final class ToolArguments {

  private final ObjectNode arguments;

  private ToolArguments(ObjectNode arguments) {
    this.arguments = arguments;
  }

  public static ToolArguments of(ObjectNode arguments) {
    return new ToolArguments(arguments);
  }

  /** A non-blank string argument. */
  public String requiredString(String name) {
    return optionalString(name)
        .orElseThrow(() -> new InvalidArgumentException("argument '" + name + "' is required"));
  }

  /** A string argument when present; blank strings count as absent. */
  public Optional<String> optionalString(String name) {
    JsonNode value = arguments.get(name);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      throw new InvalidArgumentException(
          "argument '" + name + "' must be a string, got " + describe(value));
    }
    String text = value.asText();
    return text.isBlank() ? Optional.empty() : Optional.of(text);
  }

  /** An integer argument within {@code [min, max]} when present. */
  public Optional<Integer> optionalInt(String name, int min, int max) {
    JsonNode value = arguments.get(name);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      throw new InvalidArgumentException(
          "argument '" + name + "' must be an integer, got " + describe(value));
    }
    int n = value.intValue();
    if (n < min || n > max) {
      throw new InvalidArgumentException(
          "argument '" + name + "' must be between " + min + " and " + max + ", got " + n);
    }
    return Optional.of(n);
  }

  /** A boolean argument when present. */
  public Optional<Boolean> optionalBoolean(String name) {
    JsonNode value = arguments.get(name);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isBoolean()) {
      throw new InvalidArgumentException(
          "argument '" + name + "' must be true or false, got " + describe(value));
    }
    return Optional.of(value.booleanValue());
  }

  /** Any JSON value; the argument must be present (JSON {@code null} counts as present). */
  public JsonNode requiredAny(String name) {
    JsonNode value = arguments.get(name);
    if (value == null) {
      throw new InvalidArgumentException("argument '" + name + "' is required");
    }
    return value;
  }

  /** Any JSON value when present. */
  public Optional<JsonNode> optionalAny(String name) {
    JsonNode value = arguments.get(name);
    return value == null || value.isNull() ? Optional.empty() : Optional.of(value);
  }

  /** Whether the argument was sent at all. */
  public boolean has(String name) {
    return arguments.has(name);
  }

  private static String describe(JsonNode value) {
    String text = value.toString();
    String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
    return value.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + shown;
  }
}
