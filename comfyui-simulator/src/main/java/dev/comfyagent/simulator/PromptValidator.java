package dev.comfyagent.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a prompt (a workflow in API format) the way ComfyUI's {@code execution.validate_prompt}
 * does before queueing it, and reports problems in ComfyUI's own shapes and words: a top-level
 * {@code error} ({@code invalid_prompt}, {@code missing_node_type}, {@code prompt_no_outputs},
 * {@code prompt_outputs_failed_validation}) and {@code node_errors} keyed by node id ({@code
 * required_input_missing}, {@code bad_linked_input}, {@code return_type_mismatch}, {@code
 * invalid_input_type}, {@code value_smaller_than_min}, {@code value_bigger_than_max}, {@code
 * value_not_in_list}, {@code exception_during_validation}).
 *
 * <p>As in ComfyUI, only nodes an output node depends on are checked, an output whose inputs fail
 * is dropped, and the prompt is refused only when no output is left.
 *
 * <p>Stateless apart from the catalog it is given; one instance per validation.
 */
final class PromptValidator {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final int LONG_LIST = 20;

  /**
   * The outcome of a validation.
   *
   * @param error ComfyUI's top-level {@code error} object, {@code null} when the prompt is valid
   * @param outputsToExecute the output nodes that passed, in id order
   * @param nodeErrors {@code node_errors}: may be non-empty even for a valid prompt when some (not
   *     all) outputs failed
   */
  record Result(ObjectNode error, List<String> outputsToExecute, ObjectNode nodeErrors) {
    boolean valid() {
      return error == null;
    }
  }

  private final ObjectNode catalog;
  private final ObjectNode prompt;
  private final Map<String, NodeCheck> validated = new LinkedHashMap<>();

  private record NodeCheck(boolean valid, List<ObjectNode> reasons) {}

  private PromptValidator(ObjectNode catalog, ObjectNode prompt) {
    this.catalog = catalog;
    this.prompt = prompt;
  }

  /** Validates {@code prompt} against {@code catalog} (an {@code /object_info} answer). */
  static Result validate(ObjectNode catalog, JsonNode prompt) {
    if (prompt == null || !prompt.isObject()) {
      return refused(
          error("invalid_prompt", "Invalid prompt: the prompt must be an object", "", null));
    }
    return new PromptValidator(catalog, (ObjectNode) prompt).run();
  }

  private Result run() {
    Set<String> outputs = new TreeSet<>(PromptValidator::compareIds);
    for (Map.Entry<String, JsonNode> node : prompt.properties()) {
      String id = node.getKey();
      JsonNode body = node.getValue();
      if (!body.isObject() || !body.path("class_type").isTextual()) {
        return refused(
            error(
                "invalid_prompt",
                "Cannot execute because a node is missing the class_type property.",
                "Node ID '#" + id + "'",
                null));
      }
      String classType = body.get("class_type").asText();
      JsonNode definition = catalog.get(classType);
      if (definition == null) {
        ObjectNode extra = JSON.objectNode();
        extra.put("node_id", id);
        extra.put("class_type", classType);
        extra.put("node_title", body.path("_meta").path("title").asText(classType));
        return refused(
            error(
                "missing_node_type",
                "Node '" + classType + "' not found. The custom node may not be installed.",
                "Node ID '#" + id + "'",
                extra));
      }
      if (definition.path("output_node").asBoolean(false)) {
        outputs.add(id);
      }
    }
    if (outputs.isEmpty()) {
      return refused(error("prompt_no_outputs", "Prompt has no outputs", "", null));
    }

    List<String> good = new ArrayList<>();
    ObjectNode nodeErrors = JSON.objectNode();
    List<String> failureLines = new ArrayList<>();
    for (String output : outputs) {
      NodeCheck check = validateNode(output, true);
      if (check.valid()) {
        good.add(output);
        continue;
      }
      for (ObjectNode reason : check.reasons()) {
        failureLines.add(reason.path("message").asText() + ": " + reason.path("details").asText());
      }
      for (Map.Entry<String, NodeCheck> entry : validated.entrySet()) {
        NodeCheck result = entry.getValue();
        // Like ComfyUI: nodes that failed only because something upstream failed carry no
        // reasons of their own and are not reported.
        if (result.valid() || result.reasons().isEmpty()) {
          continue;
        }
        String nodeId = entry.getKey();
        ObjectNode report = (ObjectNode) nodeErrors.get(nodeId);
        if (report == null) {
          report = nodeErrors.putObject(nodeId);
          ArrayNode errors = report.putArray("errors");
          result.reasons().forEach(errors::add);
          report.putArray("dependent_outputs");
          report.put("class_type", prompt.get(nodeId).get("class_type").asText());
        }
        ((ArrayNode) report.get("dependent_outputs")).add(output);
      }
    }
    if (good.isEmpty()) {
      ObjectNode error =
          error(
              "prompt_outputs_failed_validation",
              "Prompt outputs failed validation",
              String.join("\n", failureLines),
              null);
      return new Result(error, List.of(), nodeErrors);
    }
    return new Result(null, List.copyOf(good), nodeErrors);
  }

  private NodeCheck validateNode(String id, boolean isOutput) {
    NodeCheck done = validated.get(id);
    if (done != null) {
      return done;
    }
    // Guards against cycles: a node being checked counts as valid for its own descendants.
    validated.put(id, new NodeCheck(true, List.of()));
    JsonNode body = prompt.get(id);
    JsonNode inputs = body.path("inputs");
    JsonNode definition = catalog.get(body.get("class_type").asText());
    List<ObjectNode> errors = new ArrayList<>();
    boolean valid = true;

    for (String section : List.of("required", "optional")) {
      JsonNode specs = definition.path("input").path(section);
      for (Map.Entry<String, JsonNode> field : specs.properties()) {
        String name = field.getKey();
        JsonNode spec = field.getValue();
        JsonNode value = inputs.get(name);
        if (value == null) {
          if ("required".equals(section)) {
            ObjectNode extra = JSON.objectNode();
            extra.put("input_name", name);
            errors.add(error("required_input_missing", "Required input is missing", name, extra));
          }
          continue;
        }
        if (value.isArray()) {
          LinkCheck link = checkLink(id, name, spec, (ArrayNode) value, isOutput);
          if (link.error() != null) {
            errors.add(link.error());
          } else if (!link.upstreamValid()) {
            valid = false;
          }
        } else {
          ObjectNode problem = checkLiteral(name, spec, value);
          if (problem != null) {
            errors.add(problem);
          }
        }
      }
    }
    NodeCheck result = new NodeCheck(valid && errors.isEmpty(), List.copyOf(errors));
    validated.put(id, result);
    return result;
  }

  private record LinkCheck(ObjectNode error, boolean upstreamValid) {}

  private LinkCheck checkLink(
      String id, String name, JsonNode spec, ArrayNode link, boolean isOutput) {
    if (link.size() != 2) {
      ObjectNode extra = JSON.objectNode();
      extra.put("input_name", name);
      extra.set("input_config", spec);
      extra.set("received_value", link);
      return new LinkCheck(
          error(
              "bad_linked_input",
              "Bad linked input, must be a length-2 list of [node_id, slot_index]",
              name,
              extra),
          true);
    }
    String sourceId = link.get(0).asText();
    JsonNode source = prompt.get(sourceId);
    if (source == null) {
      return new LinkCheck(exception(name, spec, link, isOutput, "KeyError", repr(sourceId)), true);
    }
    JsonNode outputs = catalog.path(source.path("class_type").asText()).path("output");
    int slot = link.get(1).asInt(-1);
    if (!link.get(1).canConvertToInt() || slot < 0 || slot >= outputs.size()) {
      return new LinkCheck(
          exception(name, spec, link, isOutput, "IndexError", "tuple index out of range"), true);
    }
    String receivedType = outputs.get(slot).asText();
    String inputType = spec.get(0).isArray() ? "COMBO" : spec.get(0).asText();
    if (!typesMatch(receivedType, inputType)) {
      ObjectNode extra = JSON.objectNode();
      extra.put("input_name", name);
      extra.set("input_config", spec);
      extra.put("received_type", receivedType);
      extra.set("linked_node", link);
      return new LinkCheck(
          error(
              "return_type_mismatch",
              "Return type mismatch between linked nodes",
              name + ", received_type(" + receivedType + ") mismatch input_type(" + inputType + ")",
              extra),
          true);
    }
    return new LinkCheck(null, validateNode(sourceId, false).valid());
  }

  private static ObjectNode exception(
      String name, JsonNode spec, ArrayNode link, boolean isOutput, String type, String message) {
    ObjectNode extra = JSON.objectNode();
    extra.put("exception_type", type);
    extra.putArray("traceback").add("  File \"execution.py\", in validate_inputs\n");
    extra.put("input_name", name);
    extra.set("input_config", spec);
    extra.set("linked_node", link);
    return isOutput
        ? error("exception_during_validation", "Exception when validating node", message, extra)
        : error(
            "exception_during_inner_validation",
            "Exception when validating inner node",
            message,
            extra);
  }

  /** ComfyUI's {@code validate_node_input}: {@code *} matches anything, unions by comma. */
  private static boolean typesMatch(String received, String input) {
    if (received.equals(input) || "*".equals(received) || "*".equals(input)) {
      return true;
    }
    Set<String> left = Set.of(received.split(","));
    for (String t : input.split(",")) {
      if (left.contains(t)) {
        return true;
      }
    }
    return false;
  }

  private static ObjectNode checkLiteral(String name, JsonNode spec, JsonNode value) {
    JsonNode type = spec.get(0);
    JsonNode options = spec.size() > 1 && spec.get(1).isObject() ? spec.get(1) : null;
    JsonNode received = value;
    if (type.isTextual()) {
      String typeName = type.asText();
      try {
        received = convert(typeName, value);
      } catch (NumberFormatException e) {
        ObjectNode extra = JSON.objectNode();
        extra.put("input_name", name);
        extra.set("input_config", spec);
        extra.set("received_value", value);
        extra.put("exception_message", e.getMessage());
        return error(
            "invalid_input_type",
            "Failed to convert an input value to a " + typeName + " value",
            name + ", " + PythonText.str(value) + ", " + e.getMessage(),
            extra);
      }
      if (options != null && received.isNumber()) {
        BigDecimal number = received.decimalValue();
        JsonNode min = options.get("min");
        if (min != null && min.isNumber() && number.compareTo(min.decimalValue()) < 0) {
          return range("value_smaller_than_min", "smaller than min", name, spec, received, min);
        }
        JsonNode max = options.get("max");
        if (max != null && max.isNumber() && number.compareTo(max.decimalValue()) > 0) {
          return range("value_bigger_than_max", "bigger than max", name, spec, received, max);
        }
      }
      if ("COMBO".equals(typeName) && options != null && options.path("options").isArray()) {
        return checkChoice(name, spec, options.get("options"), received);
      }
      return null;
    }
    if (type.isArray()) {
      return checkChoice(name, spec, type, received);
    }
    return null;
  }

  private static ObjectNode checkChoice(
      String name, JsonNode spec, JsonNode choices, JsonNode received) {
    for (JsonNode choice : choices) {
      if (choice.equals(received)
          || (choice.isNumber() && received.isNumber() && sameNumber(choice, received))) {
        return null;
      }
    }
    boolean longList = choices.size() > LONG_LIST;
    String listInfo =
        longList ? "(list of length " + choices.size() + ")" : PythonText.repr(choices);
    ObjectNode extra = JSON.objectNode();
    extra.put("input_name", name);
    extra.set("input_config", longList ? JSON.nullNode() : spec);
    extra.set("received_value", received);
    return error(
        "value_not_in_list",
        "Value not in list",
        name + ": '" + PythonText.str(received) + "' not in " + listInfo,
        extra);
  }

  private static boolean sameNumber(JsonNode a, JsonNode b) {
    return a.decimalValue().compareTo(b.decimalValue()) == 0;
  }

  private static ObjectNode range(
      String type, String words, String name, JsonNode spec, JsonNode received, JsonNode bound) {
    ObjectNode extra = JSON.objectNode();
    extra.put("input_name", name);
    extra.set("input_config", spec);
    extra.set("received_value", received);
    return error(
        type,
        "Value " + PythonText.str(received) + " " + words + " of " + PythonText.str(bound),
        name,
        extra);
  }

  /** Python's {@code int(v)}, {@code float(v)}, {@code str(v)}, {@code bool(v)} on JSON values. */
  private static JsonNode convert(String typeName, JsonNode value) {
    switch (typeName) {
      case "INT":
        if (value.isBoolean()) {
          return JSON.numberNode(value.booleanValue() ? 1 : 0);
        }
        if (value.isIntegralNumber()) {
          return value;
        }
        if (value.isNumber()) {
          return JSON.numberNode(value.decimalValue().toBigInteger());
        }
        if (value.isTextual()) {
          try {
            return JSON.numberNode(new BigInteger(value.asText().trim()));
          } catch (NumberFormatException e) {
            throw new NumberFormatException(
                "invalid literal for int() with base 10: " + PythonText.repr(value));
          }
        }
        throw new NumberFormatException(
            "int() argument must be a string, a bytes-like object or a real number");
      case "FLOAT":
        if (value.isBoolean()) {
          return JSON.numberNode(value.booleanValue() ? 1.0 : 0.0);
        }
        if (value.isNumber()) {
          return JSON.numberNode(value.doubleValue());
        }
        if (value.isTextual()) {
          try {
            return JSON.numberNode(Double.parseDouble(value.asText().trim()));
          } catch (NumberFormatException e) {
            throw new NumberFormatException(
                "could not convert string to float: " + PythonText.repr(value));
          }
        }
        throw new NumberFormatException("float() argument must be a string or a real number");
      case "STRING":
        return JSON.textNode(PythonText.str(value));
      case "BOOLEAN":
        return JSON.booleanNode(truthy(value));
      default:
        return value;
    }
  }

  private static boolean truthy(JsonNode value) {
    if (value.isBoolean()) {
      return value.booleanValue();
    }
    if (value.isNumber()) {
      return value.decimalValue().signum() != 0;
    }
    if (value.isTextual()) {
      return !value.asText().isEmpty();
    }
    return !value.isNull() && value.size() > 0;
  }

  static ObjectNode error(String type, String message, String details, ObjectNode extraInfo) {
    ObjectNode error = JSON.objectNode();
    error.put("type", type);
    error.put("message", message);
    error.put("details", details);
    error.set("extra_info", extraInfo == null ? JSON.objectNode() : extraInfo);
    return error;
  }

  private static Result refused(ObjectNode error) {
    return new Result(error, List.of(), JSON.objectNode());
  }

  private static String repr(String text) {
    return PythonText.repr(JSON.textNode(text));
  }

  /** Numeric ids in numeric order, others after them in text order. */
  static int compareIds(String a, String b) {
    boolean an = a.chars().allMatch(Character::isDigit) && !a.isEmpty() && a.length() < 10;
    boolean bn = b.chars().allMatch(Character::isDigit) && !b.isEmpty() && b.length() < 10;
    if (an && bn) {
      return Integer.compare(Integer.parseInt(a), Integer.parseInt(b));
    }
    if (an != bn) {
      return an ? -1 : 1;
    }
    return a.compareTo(b);
  }
}
