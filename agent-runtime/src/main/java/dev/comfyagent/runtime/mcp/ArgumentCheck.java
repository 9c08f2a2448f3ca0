package dev.comfyagent.runtime.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.path.NodePath;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks a tool's arguments against its input schema (JSON Schema 2020-12, by the networknt
 * validator the MCP SDK uses) and words each problem in one short line: the argument, what was
 * expected and what came, such as {@code argument 'patch' must be an array or a string, got the
 * number 3}. The schema itself is never repeated: it is already in {@code tools/list}, and pasting
 * it into every refusal fills the assistant's context.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * ArgumentCheck check = ArgumentCheck.of(tool.inputSchema());
 * check.problems(arguments).ifPresent(p -> refuse("invalid arguments for " + tool.name() + ": " + p));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
final class ArgumentCheck {

  /** At most this many problems are named in one answer. */
  static final int MAX_PROBLEMS = 3;

  private static final SchemaRegistry SCHEMAS =
      SchemaRegistry.withDefaultDialect(Dialects.getDraft202012());

  private final Schema schema;
  private final List<String> names;

  private ArgumentCheck(Schema schema, List<String> names) {
    this.schema = schema;
    this.names = names;
  }

  /**
   * The check of one input schema.
   *
   * @throws RuntimeException when the schema cannot be compiled (a defect of the tool)
   */
  static ArgumentCheck of(JsonNode inputSchema) {
    List<String> names = new ArrayList<>();
    inputSchema.path("properties").fieldNames().forEachRemaining(names::add);
    return new ArgumentCheck(SCHEMAS.getSchema(inputSchema), List.copyOf(names));
  }

  /** What is wrong with {@code arguments}, in one line; empty when they fit the schema. */
  Optional<String> problems(JsonNode arguments) {
    List<Error> errors = schema.validate(arguments);
    if (errors.isEmpty()) {
      return Optional.empty();
    }
    List<String> lines = new ArrayList<>();
    for (Error error : errors) {
      String line = describe(error);
      if (!lines.contains(line)) {
        lines.add(line);
      }
      if (lines.size() == MAX_PROBLEMS) {
        break;
      }
    }
    int more = errors.size() - lines.size();
    return Optional.of(String.join("; ", lines) + (more > 0 ? " (and " + more + " more)" : ""));
  }

  private String describe(Error error) {
    String at = argumentName(error.getInstanceLocation());
    JsonNode expected = error.getSchemaNode();
    JsonNode got = error.getInstanceNode();
    String keyword = error.getKeyword() == null ? "" : error.getKeyword();
    return switch (keyword) {
      case "type" -> argument(at) + " must be " + kinds(expected) + ", got " + describe(got);
      case "required" -> argument(join(at, error.getProperty())) + " is required";
      case "additionalProperties" ->
          "unknown argument '"
              + join(at, error.getProperty())
              + "'"
              + (at.isEmpty() ? "; the arguments are: " + String.join(", ", names) : "");
      case "minimum" -> argument(at) + " must be at least " + expected + ", got " + describe(got);
      case "maximum" -> argument(at) + " must be at most " + expected + ", got " + describe(got);
      case "enum" ->
          argument(at) + " must be one of " + choices(expected) + ", got " + describe(got);
      default -> argument(at) + ": " + error.getMessage();
    };
  }

  private static String argument(String name) {
    return name.isEmpty() ? "the arguments" : "argument '" + name + "'";
  }

  /** {@code patch[0].op} for the instance location {@code /patch/0/op}. */
  private static String argumentName(NodePath location) {
    StringBuilder name = new StringBuilder();
    for (int i = 0; i < location.getNameCount(); i++) {
      Object element = location.getElement(i);
      if (element instanceof Integer index) {
        name.append('[').append(index).append(']');
      } else {
        if (name.length() > 0) {
          name.append('.');
        }
        name.append(element);
      }
    }
    return name.toString();
  }

  private static String join(String parent, String property) {
    return parent.isEmpty() ? String.valueOf(property) : parent + "." + property;
  }

  private static String kinds(JsonNode type) {
    if (type.isArray()) {
      List<String> each = new ArrayList<>();
      type.forEach(t -> each.add(kind(t.asText())));
      return String.join(" or ", each);
    }
    return kind(type.asText());
  }

  private static String kind(String type) {
    return switch (type) {
      case "string" -> "a string";
      case "integer" -> "a whole number";
      case "number" -> "a number";
      case "boolean" -> "true or false";
      case "array" -> "an array";
      case "object" -> "an object";
      case "null" -> "null";
      default -> type;
    };
  }

  private static String choices(JsonNode values) {
    List<String> each = new ArrayList<>();
    values.forEach(v -> each.add(v.isTextual() ? v.asText() : v.toString()));
    return String.join(", ", each);
  }

  /** A value as named in messages: its kind, and short values themselves. */
  static String describe(JsonNode value) {
    if (value == null || value.isMissingNode()) {
      return "nothing";
    }
    return switch (value.getNodeType()) {
      case STRING -> "the string " + shorten(value.toString());
      case NUMBER -> "the number " + shorten(value.asText());
      case BOOLEAN -> value.asText();
      case NULL -> "null";
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      default -> value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private static String shorten(String text) {
    return text.length() > 40 ? text.substring(0, 37) + "..." : text;
  }
}
