package dev.comfyagent.runtime.discover;

import static dev.comfyagent.runtime.discover.DiscoverText.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.discover.InputSpec.Presence;
import dev.comfyagent.runtime.discover.NodeMatch.Tier;
import dev.comfyagent.runtime.tool.InputSchema;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolArguments;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolException;
import dev.comfyagent.runtime.tool.ToolResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code get_node_info}: everything known about one node type: its inputs (types, bounds, choices,
 * defaults), outputs, category and description from the live catalog, or, for a node that is not
 * installed, the ComfyUI-Manager packs that provide it.
 */
public final class GetNodeInfoTool implements Tool {

  private static final int CHOICES_SHOWN = 40;

  private final NodeCatalog catalog;
  private final NodeSearch search;
  private final ObjectNode schema =
      InputSchema.object()
          .requiredString(
              "class_type",
              "The node's class name as used in workflows (KSampler, CheckpointLoaderSimple);"
                  + " a display name or different case is accepted when it is unambiguous")
          .build();

  public GetNodeInfoTool(NodeCatalog catalog, NodeSearch search) {
    this.catalog = catalog;
    this.search = search;
  }

  @Override
  public String name() {
    return "get_node_info";
  }

  @Override
  public String description() {
    return "Describe one ComfyUI node type: each input with its type, default, min/max and choice"
        + " list, each output with its index and type, its category and description; for a node"
        + " that is not installed, the ComfyUI-Manager pack that provides it.";
  }

  @Override
  public ObjectNode inputSchema() {
    return schema;
  }

  @Override
  public boolean readOnly() {
    return true;
  }

  @Override
  public ToolResult call(ObjectNode arguments, ToolContext context) {
    String asked = ToolArguments.of(arguments).requiredString("class_type").strip();
    NodeCatalog.Lookup lookup = catalog.lookup();
    NodeDefinitions live = lookup.definitions().orElse(null);
    String liveProblem = lookup.problem();
    String staleNote = lookup.stale() ? lookup.note().orElseThrow() : null;
    if (live != null) {
      Optional<NodeDefinition> def = live.find(asked);
      if (def.isPresent()) {
        return describe(def.get(), null, staleNote);
      }
      // An installed node's own names win over ComfyUI-Manager's, which often holds other
      // packs' node types of the same name ("Load Checkpoint").
      List<NodeDefinition> installed = installedNamed(live, asked);
      if (installed.size() == 1) {
        return describe(installed.get(0), classNameNote(asked, installed.get(0)), staleNote);
      }
      if (installed.size() > 1) {
        throw new ToolException(
            "'"
                + asked
                + "' names "
                + installed.size()
                + " installed node types: "
                + String.join(
                    ", ",
                    installed.stream()
                        .map(d -> d.classType() + " (\"" + d.displayName() + "\")")
                        .toList())
                + "; ask for one of them by its class name");
      }
    }
    List<NodeMatch> near = search.snapshot(false).index().search(asked, 6, false);
    List<NodeMatch> exact = near.stream().filter(m -> m.tier() == Tier.EXACT).toList();
    if (exact.size() == 1) {
      NodeMatch match = exact.get(0);
      String note =
          asked.equals(match.classType())
              ? null
              : "'"
                  + asked
                  + "' is "
                  + match.classType()
                  + "; workflows must use the class name exactly as written here.";
      if (match.definition().isPresent()) {
        return describe(match.definition().get(), note, staleNote);
      }
      return notInstalled(match.classType(), match.packs(), note, live != null, liveProblem);
    }
    List<NodePack> packs = search.managerMap().packsProviding(asked);
    if (!packs.isEmpty()) {
      return notInstalled(asked, packs, null, live != null, liveProblem);
    }
    StringBuilder message = new StringBuilder();
    if (live == null) {
      message.append("cannot describe '").append(asked).append("': ").append(liveProblem);
      message.append(
          search.managerMap().isAvailable()
              ? "; ComfyUI-Manager's map does not list it either"
              : "");
    } else {
      message
          .append("unknown node type '")
          .append(asked)
          .append("': the connected ComfyUI does not have it");
      message.append(
          search.managerMap().isAvailable()
              ? " and ComfyUI-Manager does not know it"
              : " (ComfyUI-Manager's node map is not available: "
                  + search.managerMap().describeSource()
                  + ")");
    }
    if (!near.isEmpty()) {
      message
          .append(". Did you mean: ")
          .append(String.join(", ", near.stream().map(NodeMatch::classType).toList()))
          .append('?');
    } else if (live != null) {
      message.append(". Use search_nodes to find node types by words.");
    }
    throw new ToolException(message.toString());
  }

  /**
   * The installed node types whose class name or display name is {@code asked} once case, spaces
   * and punctuation are ignored; those whose display name matches exactly come first and alone.
   */
  private static List<NodeDefinition> installedNamed(NodeDefinitions live, String asked) {
    String key = SearchText.key(asked);
    if (key.isEmpty()) {
      return List.of();
    }
    List<NodeDefinition> exactly = new ArrayList<>();
    List<NodeDefinition> alike = new ArrayList<>();
    for (NodeDefinition def : live.all()) {
      if (def.displayName().equals(asked)) {
        exactly.add(def);
      } else if (SearchText.key(def.displayName()).equals(key)
          || SearchText.key(def.classType()).equals(key)) {
        alike.add(def);
      }
    }
    return exactly.isEmpty() ? alike : exactly;
  }

  private static String classNameNote(String asked, NodeDefinition def) {
    return "'"
        + asked
        + "' is "
        + def.classType()
        + "; workflows must use the class name exactly as written here.";
  }

  private ToolResult notInstalled(
      String classType,
      List<NodePack> packs,
      String note,
      boolean installedKnown,
      String liveProblem) {
    StringBuilder text = new StringBuilder();
    if (note != null) {
      text.append(note).append('\n');
    }
    text.append(classType)
        .append(
            installedKnown
                ? " is not installed in the connected ComfyUI."
                : " could not be checked against ComfyUI (" + liveProblem + ").")
        .append('\n');
    text.append(packs.size() == 1 ? "It is provided by " : "It is provided by these packs:");
    if (packs.size() == 1) {
      text.append(packs.get(0).mention()).append('.');
      appendPackDescription(text, packs.get(0));
    } else {
      for (NodePack pack : packs) {
        text.append("\n- ").append(pack.mention());
        appendPackDescription(text, pack);
      }
    }
    text.append(
        "\nInstall it with ComfyUI-Manager (or git clone the repository into custom_nodes) and"
            + " restart ComfyUI; inputs and outputs are known once it is installed.");
    ObjectNode structured = JSON.objectNode();
    structured.put("class_type", classType);
    structured.set("installed", installedKnown ? JSON.booleanNode(false) : JSON.nullNode());
    structured.set("packs", NodePack.toJson(packs));
    return ToolResult.of(text.toString(), structured);
  }

  private static void appendPackDescription(StringBuilder text, NodePack pack) {
    if (!pack.description().isEmpty()) {
      text.append(" ").append(DiscoverText.firstSentence(pack.description(), 200));
    }
  }

  private ToolResult describe(NodeDefinition def, String note, String staleNote) {
    StringBuilder text = new StringBuilder();
    if (note != null) {
      text.append(note).append('\n');
    }
    text.append(def.classType());
    if (!def.displayName().equals(def.classType())) {
      text.append(" (\"").append(def.displayName()).append("\")");
    }
    if (!def.category().isEmpty()) {
      text.append(", category ").append(def.category());
    }
    String origin = DiscoverText.origin(def.pythonModule());
    text.append(", installed").append(origin.isEmpty() ? "" : ", " + origin);
    if (def.outputNode()) {
      text.append(", output node");
    }
    text.append('\n');
    if (!def.description().isBlank()) {
      text.append(def.description().strip()).append('\n');
    }
    appendInputs(text, def, Presence.REQUIRED, "Required inputs:");
    appendInputs(text, def, Presence.OPTIONAL, "Optional inputs:");
    List<String> hidden =
        def.inputs().stream()
            .filter(i -> i.presence() == Presence.HIDDEN)
            .map(InputSpec::name)
            .toList();
    if (!hidden.isEmpty()) {
      text.append("Hidden inputs (filled by ComfyUI, never set in a workflow): ")
          .append(String.join(", ", hidden))
          .append('\n');
    }
    if (def.outputs().isEmpty()) {
      text.append("Outputs: none\n");
    } else {
      text.append("Outputs (link to them as [\"<node id>\", index]):\n");
      for (OutputSpec out : def.outputs()) {
        text.append("  ").append(out.index()).append(": ").append(out.type());
        if (!out.name().equals(out.type())) {
          text.append(" \"").append(out.name()).append('"');
        }
        text.append(out.isList() ? " (list)" : "").append('\n');
      }
    }
    List<NodePack> packs = search.managerMap().packsProviding(def.classType());
    if (!packs.isEmpty() && def.pythonModule().startsWith("custom_nodes")) {
      text.append("From ").append(packs.get(0).mention()).append('\n');
    }
    if (staleNote != null) {
      text.append("Note: ").append(staleNote).append(".\n");
    }
    return ToolResult.of(text.toString().stripTrailing(), json(def, packs));
  }

  private static void appendInputs(
      StringBuilder text, NodeDefinition def, Presence presence, String heading) {
    List<InputSpec> inputs = def.inputs().stream().filter(i -> i.presence() == presence).toList();
    if (inputs.isEmpty()) {
      return;
    }
    text.append(heading).append('\n');
    for (InputSpec input : inputs) {
      text.append("  ").append(input.name()).append(": ");
      if (input.isChoice()) {
        List<String> choices = input.choices();
        text.append("one of ");
        if (choices.isEmpty()) {
          text.append("(no choices: the list is empty)");
        } else {
          text.append(
              String.join(", ", choices.subList(0, Math.min(CHOICES_SHOWN, choices.size()))));
          if (choices.size() > CHOICES_SHOWN) {
            text.append(", ... (").append(choices.size()).append(" choices)");
          }
        }
      } else {
        text.append(input.type());
        if (!input.acceptsLiteral()) {
          text.append(" (link from an output of that type)");
        }
      }
      JsonNode options = input.options();
      appendOption(text, options, "default");
      appendOption(text, options, "min");
      appendOption(text, options, "max");
      appendOption(text, options, "step");
      if (options.path("multiline").asBoolean(false)) {
        text.append(", multiline");
      }
      if (options.path("forceInput").asBoolean(false)) {
        text.append(", input socket only");
      }
      String tooltip = options.path("tooltip").asText("");
      if (!tooltip.isBlank()) {
        text.append(" - ").append(DiscoverText.firstSentence(tooltip, 160));
      }
      text.append('\n');
    }
  }

  private static void appendOption(StringBuilder text, JsonNode options, String name) {
    JsonNode value = options.get(name);
    if (value != null && !value.isNull() && !value.isContainerNode()) {
      text.append(", ")
          .append(name)
          .append(' ')
          .append(value.isTextual() ? value.toString() : value.asText());
    }
  }

  private static ObjectNode json(NodeDefinition def, List<NodePack> packs) {
    ObjectNode json = JSON.objectNode();
    json.put("class_type", def.classType());
    json.put("display_name", def.displayName());
    json.put("category", def.category());
    json.put("description", def.description());
    json.put("python_module", def.pythonModule());
    json.put("output_node", def.outputNode());
    json.put("installed", true);
    ArrayNode inputs = json.putArray("inputs");
    for (InputSpec input : def.inputs()) {
      ObjectNode in = inputs.addObject();
      in.put("name", input.name());
      in.put("presence", input.presence().name().toLowerCase(Locale.ROOT));
      in.put("type", input.type());
      in.put("accepts_literal", input.acceptsLiteral());
      if (input.isChoice()) {
        ArrayNode choices = in.putArray("choices");
        input.choices().forEach(choices::add);
      }
      copyOption(in, input.options(), "default");
      copyOption(in, input.options(), "min");
      copyOption(in, input.options(), "max");
      copyOption(in, input.options(), "step");
      copyOption(in, input.options(), "tooltip");
      copyOption(in, input.options(), "multiline");
    }
    ArrayNode outputs = json.putArray("outputs");
    for (OutputSpec out : def.outputs()) {
      ObjectNode o = outputs.addObject();
      o.put("index", out.index());
      o.put("type", out.type());
      o.put("name", out.name());
      o.put("is_list", out.isList());
    }
    if (!packs.isEmpty()) {
      json.set("packs", NodePack.toJson(packs));
    }
    return json;
  }

  private static void copyOption(ObjectNode into, JsonNode options, String name) {
    // The option's own JSON node is kept, so 18446744073709551615 stays that number.
    JsonNode value = options.get(name);
    if (value != null && !value.isNull()) {
      into.set(name, value.deepCopy());
    }
  }
}
