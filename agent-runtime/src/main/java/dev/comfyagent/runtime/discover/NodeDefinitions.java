package dev.comfyagent.runtime.discover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.comfyagent.runtime.discover.InputSpec.Presence;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An immutable set of node types parsed from one {@code /object_info} document.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * NodeDefinitions defs = NodeDefinitions.parse(objectInfoJson);
 * NodeDefinition ks = defs.find("KSampler").orElseThrow();
 * ks.input("steps").map(InputSpec::max);   // Optional[10000]
 * }</pre>
 *
 * <p>Parsing is lenient where ComfyUI versions differ (old {@code [[choices], {...}]} and new
 * {@code ["COMBO", {"options": [...]}]} choice lists, missing {@code input_order}) and skips an
 * entry that is not an object rather than failing the whole catalog.
 */
public final class NodeDefinitions {

  private static final NodeDefinitions EMPTY = new NodeDefinitions(Map.of());

  private final Map<String, NodeDefinition> byClass;

  private NodeDefinitions(Map<String, NodeDefinition> byClass) {
    this.byClass = byClass;
  }

  /** No node types at all. */
  public static NodeDefinitions empty() {
    return EMPTY;
  }

  /** Parses a whole {@code /object_info} document. */
  public static NodeDefinitions parse(JsonNode objectInfo) {
    Map<String, NodeDefinition> byClass = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : objectInfo.properties()) {
      if (entry.getValue().isObject()) {
        byClass.put(entry.getKey(), parseOne(entry.getKey(), entry.getValue()));
      }
    }
    return new NodeDefinitions(Collections.unmodifiableMap(byClass));
  }

  /** Parses one entry ({@code /object_info/{class}} answers {@code {"<class>": entry}}). */
  public static NodeDefinition parseOne(String classType, JsonNode entry) {
    List<InputSpec> inputs = new ArrayList<>();
    JsonNode input = entry.path("input");
    JsonNode order = entry.path("input_order");
    addInputs(inputs, input.path("required"), order.path("required"), Presence.REQUIRED);
    addInputs(inputs, input.path("optional"), order.path("optional"), Presence.OPTIONAL);
    addInputs(inputs, input.path("hidden"), order.path("hidden"), Presence.HIDDEN);

    List<OutputSpec> outputs = new ArrayList<>();
    JsonNode types = entry.path("output");
    JsonNode names = entry.path("output_name");
    JsonNode isList = entry.path("output_is_list");
    for (int i = 0; i < types.size(); i++) {
      JsonNode type = types.get(i);
      String typeName = type.isArray() ? "COMBO" : type.asText();
      String name = names.path(i).isTextual() ? names.get(i).asText() : typeName;
      outputs.add(new OutputSpec(i, typeName, name, isList.path(i).asBoolean(false)));
    }
    return new NodeDefinition(
        classType,
        entry.path("display_name").asText(classType),
        entry.path("category").asText(""),
        entry.path("description").asText(""),
        entry.path("python_module").asText(""),
        entry.path("output_node").asBoolean(false),
        inputs,
        outputs);
  }

  private static void addInputs(
      List<InputSpec> into, JsonNode declared, JsonNode order, Presence presence) {
    if (!declared.isObject()) {
      return;
    }
    // input_order gives the widget order of UI-format workflows; fall back to declaration order.
    Set<String> names = new LinkedHashSet<>();
    if (order.isArray()) {
      order.forEach(n -> names.add(n.asText()));
    }
    declared.fieldNames().forEachRemaining(names::add);
    for (String name : names) {
      JsonNode spec = declared.get(name);
      if (spec != null) {
        into.add(parseInput(name, spec, presence));
      }
    }
  }

  private static InputSpec parseInput(String name, JsonNode spec, Presence presence) {
    // ["TYPE", {options}] or [["a", "b"], {options}] or, for hidden inputs, a bare "TYPE".
    JsonNode head = spec.isArray() ? spec.path(0) : spec;
    JsonNode options = spec.isArray() && spec.path(1).isObject() ? spec.get(1) : emptyObject();
    List<String> choices = new ArrayList<>();
    String type;
    if (head.isArray()) {
      type = "COMBO";
      head.forEach(c -> choices.add(c.asText()));
    } else {
      type = head.asText("*");
      if ("COMBO".equals(type) && options.path("options").isArray()) {
        options.get("options").forEach(c -> choices.add(c.asText()));
      }
    }
    return new InputSpec(
        name,
        presence,
        type,
        choices,
        number(options.get("min")),
        number(options.get("max")),
        options.has("default") ? options.get("default") : null,
        options);
  }

  /**
   * A bound as a number, or null for none: ComfyUI writes a bound of {@code float("inf")} or {@code
   * float("nan")} as {@code Infinity} or {@code NaN}; no value lies beyond an infinite bound, and
   * every comparison with NaN is false in Python, so neither bounds anything.
   */
  private static BigDecimal number(JsonNode n) {
    if (n == null || !n.isNumber()) {
      return null;
    }
    if ((n.isDouble() || n.isFloat()) && !Double.isFinite(n.doubleValue())) {
      return null;
    }
    return n.decimalValue();
  }

  private static JsonNode emptyObject() {
    return JsonNodeFactory.instance.objectNode();
  }

  /** The node type named {@code classType}, if known. */
  public Optional<NodeDefinition> find(String classType) {
    return Optional.ofNullable(byClass.get(classType));
  }

  /** Whether {@code classType} is known. */
  public boolean contains(String classType) {
    return byClass.containsKey(classType);
  }

  /** All node types, in document order. */
  public Collection<NodeDefinition> all() {
    return byClass.values();
  }

  /** How many node types. */
  public int size() {
    return byClass.size();
  }
}
