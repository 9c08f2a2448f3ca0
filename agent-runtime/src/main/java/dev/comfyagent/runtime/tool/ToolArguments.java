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
 *
 * <p>Contract of every reader: an argument that is absent or JSON {@code null} counts as not sent
 * (except for {@link #requiredAny}); a sent argument of the wrong type or out of range throws
 * {@link InvalidArgumentException} whose message names the argument, what was expected and what
 * came ({@code "argument 'limit' must be between 1 and 100, got 500"}), so the tool answers an
 * {@code isError} result the assistant can act on. Nothing is converted: a number sent as a string
 * is a wrong type, not a number.
 *
 * <p>A view over the arguments of one call; it neither copies nor changes them. Not thread-safe
 * (one call reads its own arguments).
 */
public final class ToolArguments {

  private final ObjectNode arguments;

  private ToolArguments(ObjectNode arguments) {
    this.arguments = arguments;
  }

  /** A reader over {@code arguments}, the {@code arguments} object of one {@code tools/call}. */
  public static ToolArguments of(ObjectNode arguments) {
    return new ToolArguments(arguments);
  }

  /**
   * A string argument that must be sent and not blank.
   *
   * @throws InvalidArgumentException when it is absent, blank or not a string
   */
  public String requiredString(String name) {
    return optionalString(name)
        .orElseThrow(() -> new InvalidArgumentException("argument '" + name + "' is required"));
  }

  /**
   * A string argument when sent; a blank string counts as not sent.
   *
   * @throws InvalidArgumentException when it is sent and not a string
   */
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

  /**
   * An integer argument when sent, from {@code min} to {@code max}, both inclusive.
   *
   * @throws InvalidArgumentException when it is sent and not an integer (a decimal such as {@code
   *     2.5} or a number beyond {@code int}), or outside {@code [min, max]}
   */
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

  /**
   * A boolean argument when sent.
   *
   * @throws InvalidArgumentException when it is sent and not {@code true} or {@code false}
   */
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

  /**
   * Any JSON value; the argument must be sent, and JSON {@code null} counts as sent (a node input
   * can be set to {@code null}).
   *
   * @throws InvalidArgumentException when it is absent
   */
  public JsonNode requiredAny(String name) {
    JsonNode value = arguments.get(name);
    if (value == null) {
      throw new InvalidArgumentException("argument '" + name + "' is required");
    }
    return value;
  }

  /** Any JSON value when sent; JSON {@code null} counts as not sent. */
  public Optional<JsonNode> optionalAny(String name) {
    JsonNode value = arguments.get(name);
    return value == null || value.isNull() ? Optional.empty() : Optional.of(value);
  }

  /** Whether the argument was sent at all, JSON {@code null} included. */
  public boolean has(String name) {
    return arguments.has(name);
  }

  private static String describe(JsonNode value) {
    String text = value.toString();
    String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
    return value.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + shown;
  }
}
