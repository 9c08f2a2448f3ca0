package dev.comfyagent.benchmarks.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.List;
import java.util.Random;

/**
 * One node type as the generators know it before it is written as an {@code /object_info} entry:
 * enough to render the entry and to pick valid literal values and links for generated graphs.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the class type ({@code KSampler}, {@code ImpactWildcardProcessor})
 * @param displayName the name shown in ComfyUI's menus
 * @param category the menu path ({@code sampling}, {@code ImpactPack/Detailer})
 * @param pythonModule {@code nodes}, {@code comfy_extras.nodes_...} or {@code
 *     custom_nodes.<repository>}
 * @param description one sentence for the node's tooltip
 * @param required inputs a workflow must give, in {@code input_order}
 * @param optional inputs a workflow may give, in {@code input_order}
 * @param hidden inputs ComfyUI fills itself (name to type)
 * @param outputs the node's outputs, in order
 * @param outputNode whether the node is an output (SaveImage, PreviewImage)
 */
public record NodeClassSpec(
    String name,
    String displayName,
    String category,
    String pythonModule,
    String description,
    List<Input> required,
    List<Input> optional,
    List<String> hidden,
    List<Output> outputs,
    boolean outputNode) {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /** Types whose values are typed into a widget rather than linked from another node. */
  static boolean isWidgetType(String type) {
    return switch (type) {
      case "INT", "FLOAT", "STRING", "BOOLEAN", "COMBO" -> true;
      default -> false;
    };
  }

  public NodeClassSpec {
    required = List.copyOf(required);
    optional = List.copyOf(optional);
    hidden = List.copyOf(hidden);
    outputs = List.copyOf(outputs);
  }

  /** The {@code /object_info} entry in ComfyUI's shape. */
  public ObjectNode toObjectInfoEntry() {
    ObjectNode entry = JSON.objectNode();
    ObjectNode input = entry.putObject("input");
    ObjectNode order = JSON.objectNode();
    putInputs(input.putObject("required"), order.putArray("required"), required);
    if (!optional.isEmpty()) {
      putInputs(input.putObject("optional"), order.putArray("optional"), optional);
    }
    if (!hidden.isEmpty()) {
      ObjectNode hiddenNode = input.putObject("hidden");
      ArrayNode hiddenOrder = order.putArray("hidden");
      for (String h : hidden) {
        hiddenNode.put(h, hiddenType(h));
        hiddenOrder.add(h);
      }
    }
    entry.set("input_order", order);
    ArrayNode types = entry.putArray("output");
    ArrayNode isList = entry.putArray("output_is_list");
    ArrayNode names = entry.putArray("output_name");
    ArrayNode tooltips = entry.putArray("output_tooltips");
    for (Output o : outputs) {
      types.add(o.type());
      isList.add(o.isList());
      names.add(o.name());
      tooltips.add("The " + o.name().toLowerCase(java.util.Locale.ROOT) + " produced by the node.");
    }
    entry.put("name", name);
    entry.put("display_name", displayName);
    entry.put("description", description);
    entry.put("python_module", pythonModule);
    entry.put("category", category);
    entry.put("output_node", outputNode);
    entry.put("deprecated", false);
    entry.put("experimental", false);
    entry.put("api_node", false);
    return entry;
  }

  private static void putInputs(ObjectNode into, ArrayNode order, List<Input> inputs) {
    for (Input in : inputs) {
      into.set(in.name(), in.toObjectInfoSpec());
      order.add(in.name());
    }
  }

  private static String hiddenType(String name) {
    return switch (name) {
      case "prompt" -> "PROMPT";
      case "extra_pnginfo" -> "EXTRA_PNGINFO";
      case "unique_id" -> "UNIQUE_ID";
      default -> name.toUpperCase(java.util.Locale.ROOT);
    };
  }

  /**
   * One input of a node type.
   *
   * @param name the input's name
   * @param type {@code INT}, {@code FLOAT}, {@code STRING}, {@code BOOLEAN}, {@code COMBO}, a link
   *     type such as {@code MODEL}, or {@code *} for any link
   * @param options the options object ComfyUI sends next to the type (default, min, max, step,
   *     multiline, tooltip, and for new-style combos the choice list under {@code options})
   * @param choices a combo's choices, empty otherwise
   * @param newStyleCombo whether a combo is written {@code ["COMBO", {"options": [...]}]} (ComfyUI
   *     0.3.x schema) rather than {@code [[...], {...}]}
   */
  public record Input(
      String name, String type, ObjectNode options, List<String> choices, boolean newStyleCombo) {

    public Input {
      choices = List.copyOf(choices);
    }

    /** Whether a workflow sets this input to a literal (a widget) rather than a link. */
    public boolean isWidget() {
      return isWidgetType(type);
    }

    /** The {@code ["TYPE", {options}]} array of {@code /object_info}. */
    JsonNode toObjectInfoSpec() {
      ArrayNode spec = JSON.arrayNode();
      if ("COMBO".equals(type) && !newStyleCombo) {
        ArrayNode list = spec.addArray();
        choices.forEach(list::add);
      } else {
        spec.add(type);
      }
      ObjectNode opts = options.deepCopy();
      if ("COMBO".equals(type) && newStyleCombo) {
        ArrayNode list = opts.putArray("options");
        choices.forEach(list::add);
      }
      if (!opts.isEmpty()) {
        spec.add(opts);
      }
      return spec;
    }

    /** A literal value this input accepts: within min/max, one of the choices, or some text. */
    public JsonNode validLiteral(Random random) {
      return switch (type) {
        case "INT" -> intLiteral(random);
        case "FLOAT" -> floatLiteral(random);
        case "BOOLEAN" -> JSON.booleanNode(random.nextBoolean());
        case "COMBO" -> JSON.textNode(choices.get(random.nextInt(choices.size())));
        case "STRING" -> JSON.textNode(Vocabulary.promptText(random));
        default -> throw new IllegalStateException(name + " of type " + type + " is a link");
      };
    }

    private JsonNode intLiteral(Random random) {
      BigInteger min = options.path("min").bigIntegerValue();
      BigInteger max =
          options.has("max") ? options.get("max").bigIntegerValue() : BigInteger.valueOf(100);
      if (max.bitLength() > 62) {
        // Seeds: ComfyUI's max is 2^64-1, above a Java long; any non-negative long is valid.
        return JSON.numberNode(random.nextLong() & Long.MAX_VALUE);
      }
      long step = Math.max(1, options.path("step").asLong(1));
      long lo = min.longValue();
      long slots = (max.longValue() - lo) / step;
      long pick = slots <= 0 ? 0 : Math.floorMod(random.nextLong(), Math.min(slots, 1_000));
      return JSON.numberNode(lo + pick * step);
    }

    private JsonNode floatLiteral(Random random) {
      double min = options.path("min").asDouble(0.0);
      double max = options.path("max").asDouble(1.0);
      double step = options.path("step").asDouble(0.01);
      long slots = Math.max(0, (long) Math.floor((max - min) / step));
      long pick = slots == 0 ? 0 : Math.floorMod(random.nextLong(), Math.min(slots, 10_000));
      double value = Math.round((min + pick * step) * 1e6) / 1e6;
      return JSON.numberNode(Math.min(value, max));
    }
  }

  /**
   * One output of a node type.
   *
   * @param type the link type ({@code IMAGE})
   * @param name the output's label
   * @param isList whether the output is a list (ComfyUI's {@code output_is_list})
   */
  public record Output(String type, String name, boolean isList) {}
}
