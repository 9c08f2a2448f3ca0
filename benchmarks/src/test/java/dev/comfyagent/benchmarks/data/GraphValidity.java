package dev.comfyagent.benchmarks.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.discover.InputSpec;
import dev.comfyagent.runtime.discover.NodeDefinition;
import dev.comfyagent.runtime.discover.NodeDefinitions;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An independent check that a generated API-format graph is one ComfyUI would accept, written
 * against the runtime's parsed node definitions: the benchmarks' data must be valid for the
 * validation benchmark to measure the path good workflows take.
 */
final class GraphValidity {

  private GraphValidity() {}

  /** Every problem of {@code graph} against {@code catalog}; empty when valid. */
  static List<String> problems(ObjectNode graph, NodeDefinitions catalog) {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, JsonNode> entry : graph.properties()) {
      String id = entry.getKey();
      JsonNode node = entry.getValue();
      String classType = node.path("class_type").asText();
      NodeDefinition def = catalog.find(classType).orElse(null);
      if (def == null) {
        problems.add(id + ": unknown class_type " + classType);
        continue;
      }
      JsonNode inputs = node.path("inputs");
      for (InputSpec spec : def.inputs()) {
        if (spec.presence() == InputSpec.Presence.REQUIRED && !inputs.has(spec.name())) {
          problems.add(id + ": missing required input " + spec.name());
        }
      }
      for (Map.Entry<String, JsonNode> input : inputs.properties()) {
        InputSpec spec = def.input(input.getKey()).orElse(null);
        if (spec == null) {
          problems.add(id + ": " + classType + " has no input " + input.getKey());
          continue;
        }
        JsonNode value = input.getValue();
        if (value.isArray()) {
          checkLink(graph, catalog, id, spec, value, problems);
        } else {
          checkLiteral(id, spec, value, problems);
        }
      }
    }
    if (problems.isEmpty() && hasCycle(graph)) {
      problems.add("the graph has a cycle");
    }
    return problems;
  }

  private static void checkLink(
      ObjectNode graph,
      NodeDefinitions catalog,
      String id,
      InputSpec spec,
      JsonNode link,
      List<String> problems) {
    String source = link.path(0).asText();
    JsonNode sourceNode = graph.get(source);
    if (link.size() != 2 || sourceNode == null) {
      problems.add(id + "." + spec.name() + ": link to missing node " + source);
      return;
    }
    NodeDefinition sourceDef = catalog.find(sourceNode.path("class_type").asText()).orElse(null);
    if (sourceDef == null) {
      return;
    }
    int index = link.path(1).asInt(-1);
    if (index < 0 || index >= sourceDef.outputs().size()) {
      problems.add(
          id + "." + spec.name() + ": output " + index + " of " + source + " does not exist");
      return;
    }
    String type = sourceDef.outputs().get(index).type();
    if (!"*".equals(spec.type()) && !spec.type().equals(type)) {
      problems.add(id + "." + spec.name() + ": " + spec.type() + " input linked to " + type);
    }
  }

  private static void checkLiteral(
      String id, InputSpec spec, JsonNode value, List<String> problems) {
    String where = id + "." + spec.name() + " = " + value;
    switch (spec.type()) {
      case "INT", "FLOAT" -> {
        if (!value.isNumber()) {
          problems.add(where + ": not a number");
          return;
        }
        if ("INT".equals(spec.type()) && !value.isIntegralNumber()) {
          problems.add(where + ": not an integer");
        }
        BigDecimal v = value.decimalValue();
        if (spec.min() != null && v.compareTo(spec.min()) < 0) {
          problems.add(where + ": below min " + spec.min());
        }
        if (spec.max() != null && v.compareTo(spec.max()) > 0) {
          problems.add(where + ": above max " + spec.max());
        }
      }
      case "COMBO" -> {
        if (!spec.choices().contains(value.asText())) {
          problems.add(where + ": not one of " + spec.choices());
        }
      }
      case "STRING" -> {
        if (!value.isTextual()) {
          problems.add(where + ": not text");
        }
      }
      case "BOOLEAN" -> {
        if (!value.isBoolean()) {
          problems.add(where + ": not a boolean");
        }
      }
      default -> problems.add(where + ": a literal for link type " + spec.type());
    }
  }

  private static boolean hasCycle(ObjectNode graph) {
    Map<String, Integer> state = new HashMap<>();
    for (String id : (Iterable<String>) graph::fieldNames) {
      if (visit(graph, id, state)) {
        return true;
      }
    }
    return false;
  }

  private static boolean visit(ObjectNode graph, String id, Map<String, Integer> state) {
    Integer s = state.get(id);
    if (s != null) {
      return s == 1;
    }
    state.put(id, 1);
    for (JsonNode value : graph.path(id).path("inputs")) {
      if (value.isArray() && visit(graph, value.path(0).asText(), state)) {
        return true;
      }
    }
    state.put(id, 2);
    return false;
  }
}
