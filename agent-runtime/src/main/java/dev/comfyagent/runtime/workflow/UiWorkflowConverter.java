package dev.comfyagent.runtime.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.discover.InputSpec;
import dev.comfyagent.runtime.discover.NodeDefinition;
import dev.comfyagent.runtime.discover.NodeDefinitions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Converts a UI-format (litegraph) workflow to API format the way ComfyUI's frontend does when it
 * queues a prompt, using the node catalog to name the positional widget values.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * UiWorkflowConverter.Converted c = UiWorkflowConverter.convert(uiJson, catalog.definitions());
 * Workflow wf = Workflow.ofApi(c.api());
 * }</pre>
 *
 * <p>What it handles, and why:
 *
 * <ul>
 *   <li>{@code widgets_values} are positional over the node type's inputs that take a literal (INT,
 *       FLOAT, STRING, BOOLEAN, choice lists; not {@code forceInput} ones), required then optional,
 *       each in {@code input_order}. A widget that was converted to an input keeps its slot. After
 *       a seed-like INT ({@code control_after_generate}, or named {@code seed} / {@code noise_seed}
 *       in older catalogs) the frontend stores one extra value, its "control after generate"
 *       widget, which is skipped: a string ({@code fixed}, {@code randomize}, ...) or, in files
 *       saved by frontends of early 2023, a boolean ({@code [156680208700286, true, 20, 8, ...]}).
 *       Trailing extras (an image upload button's value) are ignored. Some custom nodes store
 *       {@code widgets_values} as an object by name; that works too.
 *   <li>Links come from the {@code links} array ({@code [id, from_node, from_slot, to_node,
 *       to_slot, type]}, or objects with those names in newer files) and turn into {@code
 *       ["<from_node>", from_slot]}.
 *   <li>{@code Reroute} nodes are followed to their source; native litegraph reroutes ({@code
 *       extra.reroutes}, {@code linkExtensions}, a link's {@code parentId}) only draw a link's
 *       path, which still joins its two nodes, so they need nothing; a {@code PrimitiveNode}'s
 *       value becomes the literal of the inputs it feeds; {@code Note} and {@code MarkdownNote} are
 *       dropped.
 *   <li>Muted nodes (mode 2) are left out and inputs fed by them removed; bypassed nodes (mode 4)
 *       are left out and their consumers wired to the bypassed node's input of the same type.
 *   <li>Group nodes ({@code workflow>Name}, defined in {@code extra.groupNodes}) and subgraphs (a
 *       node typed by the id of a {@code definitions.subgraphs} entry) are not expanded here: the
 *       conversion fails naming each of them and the way out (unpack them in ComfyUI, or "Save (API
 *       Format)").
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class UiWorkflowConverter {

  static final Set<String> FRONTEND_ONLY =
      Set.of("Reroute", "PrimitiveNode", "Note", "MarkdownNote");
  private static final Set<String> CONTROL_VALUES =
      Set.of("fixed", "increment", "decrement", "randomize");
  private static final int MODE_MUTED = 2;
  private static final int MODE_BYPASSED = 4;

  private UiWorkflowConverter() {}

  /**
   * The API prompt for {@code ui}.
   *
   * @throws WorkflowFormatException naming group nodes, subgraphs or node types the catalog does
   *     not know, or a malformed document
   */
  public static Converted convert(ObjectNode ui, NodeDefinitions catalog) {
    return new Conversion(ui, catalog).run();
  }

  /**
   * A converted workflow.
   *
   * @param api the API prompt
   * @param notes what the assistant should know (nodes left out, inputs dropped, ...)
   */
  public record Converted(ObjectNode api, List<String> notes) {

    public Converted {
      notes = List.copyOf(notes);
    }
  }

  private sealed interface Source permits LinkSource, LiteralSource, Dropped {}

  private record LinkSource(String nodeId, int slot) implements Source {}

  private record LiteralSource(JsonNode value) implements Source {}

  private record Dropped(String reason) implements Source {}

  private record UiLink(String originId, int originSlot, String targetId, int targetSlot) {}

  private static final class Conversion {

    private final ObjectNode ui;
    private final NodeDefinitions catalog;
    private final Map<String, JsonNode> nodes = new LinkedHashMap<>();
    private final Map<String, UiLink> links = new HashMap<>();
    private final Map<String, String> subgraphNames = new HashMap<>();
    private final List<String> notes = new ArrayList<>();

    Conversion(ObjectNode ui, NodeDefinitions catalog) {
      this.ui = ui;
      this.catalog = catalog;
    }

    Converted run() {
      indexNodes();
      indexLinks();
      // Subgraphs (frontend 1.24 and later): a node's type is the id of a definition.
      ui.path("definitions")
          .path("subgraphs")
          .forEach(s -> subgraphNames.put(s.path("id").asText(), s.path("name").asText("unnamed")));
      refuseUnconvertible();
      ObjectNode api = JsonNodeFactory.instance.objectNode();
      for (Map.Entry<String, JsonNode> entry : nodes.entrySet()) {
        JsonNode node = entry.getValue();
        String type = node.path("type").asText();
        if (FRONTEND_ONLY.contains(type)) {
          continue;
        }
        int mode = node.path("mode").asInt(0);
        if (mode == MODE_MUTED) {
          notes.add("node " + entry.getKey() + " (" + type + ") is muted and was left out");
          continue;
        }
        if (mode == MODE_BYPASSED) {
          notes.add(
              "node "
                  + entry.getKey()
                  + " ("
                  + type
                  + ") is bypassed: left out, its consumers were wired to its inputs");
          continue;
        }
        api.set(
            entry.getKey(), convertNode(entry.getKey(), node, catalog.find(type).orElseThrow()));
      }
      return new Converted(api, notes);
    }

    private void indexNodes() {
      JsonNode array = ui.path("nodes");
      for (int i = 0; i < array.size(); i++) {
        JsonNode node = array.get(i);
        if (!node.isObject() || !node.has("id") || !node.path("type").isTextual()) {
          throw new WorkflowFormatException(
              "UI workflow: nodes[" + i + "] needs an id and a string type, got " + shorten(node));
        }
        nodes.put(node.get("id").asText(), node);
      }
    }

    private void indexLinks() {
      JsonNode array = ui.path("links");
      for (int i = 0; i < array.size(); i++) {
        JsonNode link = array.get(i);
        if (link.isArray() && link.size() >= 5) {
          links.put(
              link.get(0).asText(),
              new UiLink(
                  link.get(1).asText(),
                  link.get(2).asInt(),
                  link.get(3).asText(),
                  link.get(4).asInt()));
        } else if (link.isObject() && link.has("id")) {
          links.put(
              link.get("id").asText(),
              new UiLink(
                  link.path("origin_id").asText(),
                  link.path("origin_slot").asInt(),
                  link.path("target_id").asText(),
                  link.path("target_slot").asInt()));
        } else if (!link.isNull()) {
          throw new WorkflowFormatException(
              "UI workflow: links["
                  + i
                  + "] must be [id, from_node, from_slot, to_node, to_slot, type], got "
                  + shorten(link));
        }
      }
    }

    private void refuseUnconvertible() {
      List<String> groups = new ArrayList<>();
      List<String> unknown = new ArrayList<>();
      for (Map.Entry<String, JsonNode> entry : nodes.entrySet()) {
        String type = entry.getValue().path("type").asText();
        int mode = entry.getValue().path("mode").asInt(0);
        if (subgraphNames.containsKey(type)) {
          groups.add(
              "node "
                  + entry.getKey()
                  + " ("
                  + type
                  + "): the subgraph \""
                  + subgraphNames.get(type)
                  + "\"");
        } else if (isGroupNode(type)) {
          groups.add("node " + entry.getKey() + " (" + type + "): a group node");
        } else if (!FRONTEND_ONLY.contains(type)
            && mode != MODE_MUTED
            && mode != MODE_BYPASSED
            && !catalog.contains(type)) {
          unknown.add("node " + entry.getKey() + " (" + type + ")");
        }
      }
      if (!groups.isEmpty()) {
        throw new WorkflowFormatException(
            "this UI workflow contains group nodes or subgraphs that cannot be expanded here: "
                + String.join(", ", groups)
                + ". In ComfyUI, convert them back to nodes (right-click > Convert to nodes /"
                + " Unpack subgraph), or export the workflow with \"Save (API Format)\"");
      }
      if (!unknown.isEmpty()) {
        throw new WorkflowFormatException(
            "cannot convert this UI workflow: ComfyUI's node catalog does not know "
                + String.join(", ", unknown)
                + ". They are custom nodes that are not installed (find_missing_nodes names the"
                + " packs) or frontend-only nodes; install them, or export the workflow with"
                + " \"Save (API Format)\" where they are installed");
      }
    }

    private boolean isGroupNode(String type) {
      // Group nodes (2023-2025) are typed "workflow>Name" (older frontends: "workflow/Name") and
      // defined in extra.groupNodes.
      return type.startsWith("workflow>")
          || type.startsWith("workflow/")
          || ui.path("extra").path("groupNodes").has(type);
    }

    private ObjectNode convertNode(String id, JsonNode node, NodeDefinition def) {
      ObjectNode apiNode = JsonNodeFactory.instance.objectNode();
      ObjectNode inputs = apiNode.putObject("inputs");
      assignWidgets(id, node, def, inputs);
      JsonNode slots = node.path("inputs");
      for (JsonNode slot : slots) {
        JsonNode linkId = slot.get("link");
        if (linkId == null || linkId.isNull()) {
          continue;
        }
        String name =
            slot.path("widget").path("name").isTextual()
                ? slot.path("widget").path("name").asText()
                : slot.path("name").asText();
        Source source = resolve(linkId.asText(), new HashSet<>());
        if (source instanceof LinkSource link) {
          inputs.set(
              name, JsonNodeFactory.instance.arrayNode().add(link.nodeId()).add(link.slot()));
        } else if (source instanceof LiteralSource literal) {
          inputs.set(name, literal.value());
        } else {
          inputs.remove(name);
          notes.add(
              "node "
                  + id
                  + " input '"
                  + name
                  + "' was left unset: "
                  + ((Dropped) source).reason());
        }
      }
      apiNode.put("class_type", def.classType());
      ObjectNode meta = apiNode.putObject("_meta");
      JsonNode title = node.get("title");
      meta.put("title", title != null && title.isTextual() ? title.asText() : def.displayName());
      return apiNode;
    }

    private void assignWidgets(String id, JsonNode node, NodeDefinition def, ObjectNode inputs) {
      List<InputSpec> widgets = new ArrayList<>();
      for (InputSpec spec : def.inputs()) {
        if (spec.presence() != InputSpec.Presence.HIDDEN
            && spec.acceptsLiteral()
            && !spec.options().path("forceInput").asBoolean(false)) {
          widgets.add(spec);
        }
      }
      JsonNode values = node.get("widgets_values");
      if (values == null || values.isNull()) {
        if (!widgets.isEmpty()) {
          notes.add(
              "node "
                  + id
                  + " ("
                  + def.classType()
                  + ") has no widgets_values; its widget inputs"
                  + " are unset");
        }
        return;
      }
      if (values.isObject()) {
        for (InputSpec w : widgets) {
          if (values.has(w.name())) {
            inputs.set(w.name(), values.get(w.name()));
          }
        }
        return;
      }
      int position = 0;
      for (int i = 0; i < widgets.size(); i++) {
        InputSpec w = widgets.get(i);
        if (position >= values.size()) {
          notes.add(
              "node "
                  + id
                  + " ("
                  + def.classType()
                  + ") has fewer widget values than inputs; '"
                  + w.name()
                  + "' and later are unset (the workflow is older than the node)");
          return;
        }
        inputs.set(w.name(), values.get(position++));
        if (hasControlWidget(w)
            && isControlValue(
                values, position, i + 1 < widgets.size() ? widgets.get(i + 1) : null)) {
          position++;
        }
      }
    }

    /**
     * Whether {@code values[position]}, just after a seed-like INT, is the value of its "control
     * after generate" widget: a string ({@code fixed}, {@code randomize}, ...) or, in files of
     * frontends from early 2023, a boolean ("random seed after every gen"). A boolean before a
     * BOOLEAN widget is that widget's own value unless another boolean follows it.
     */
    private static boolean isControlValue(JsonNode values, int position, InputSpec next) {
      if (position >= values.size()) {
        return false;
      }
      JsonNode value = values.get(position);
      if (value.isTextual()) {
        return CONTROL_VALUES.contains(value.asText());
      }
      if (!value.isBoolean()) {
        return false;
      }
      boolean nextTakesABoolean = next != null && "BOOLEAN".equals(next.type());
      return !nextTakesABoolean || values.path(position + 1).isBoolean();
    }

    private static boolean hasControlWidget(InputSpec spec) {
      if (spec.options().path("control_after_generate").asBoolean(false)) {
        return true;
      }
      return "INT".equals(spec.type())
          && ("seed".equals(spec.name()) || "noise_seed".equals(spec.name()));
    }

    private Source resolve(String linkId, Set<String> visited) {
      UiLink link = links.get(linkId);
      if (link == null) {
        return new Dropped("link " + linkId + " is not in the links array");
      }
      if (!visited.add(linkId)) {
        return new Dropped("its reroutes form a loop");
      }
      JsonNode origin = nodes.get(link.originId());
      if (origin == null) {
        return new Dropped("it came from node " + link.originId() + ", which does not exist");
      }
      String type = origin.path("type").asText();
      if ("Reroute".equals(type)) {
        JsonNode upstream = origin.path("inputs").path(0).get("link");
        return upstream == null || upstream.isNull()
            ? new Dropped("reroute " + link.originId() + " is not connected")
            : resolve(upstream.asText(), visited);
      }
      if ("PrimitiveNode".equals(type)) {
        JsonNode values = origin.path("widgets_values");
        return values.isArray() && values.size() > 0
            ? new LiteralSource(values.get(0))
            : new Dropped("primitive node " + link.originId() + " holds no value");
      }
      int mode = origin.path("mode").asInt(0);
      if (mode == MODE_MUTED) {
        return new Dropped(
            "it came from node " + link.originId() + " (" + type + "), which is muted");
      }
      if (mode == MODE_BYPASSED) {
        return throughBypassed(link, origin, type, visited);
      }
      return new LinkSource(link.originId(), link.originSlot());
    }

    private Source throughBypassed(UiLink link, JsonNode origin, String type, Set<String> visited) {
      String outputType = origin.path("outputs").path(link.originSlot()).path("type").asText("");
      JsonNode inputs = origin.path("inputs");
      JsonNode match = null;
      JsonNode sameSlot = inputs.path(link.originSlot());
      if (sameSlot.isObject() && outputType.equals(sameSlot.path("type").asText())) {
        match = sameSlot;
      } else {
        for (JsonNode input : inputs) {
          if (outputType.equals(input.path("type").asText())) {
            match = input;
            break;
          }
        }
      }
      JsonNode upstream = match == null ? null : match.get("link");
      if (upstream == null || upstream.isNull()) {
        return new Dropped(
            "it came from bypassed node "
                + link.originId()
                + " ("
                + type
                + "), which has no connected "
                + outputType
                + " input to pass through");
      }
      return resolve(upstream.asText(), visited);
    }

    private static String shorten(JsonNode node) {
      String text = WorkflowJson.compact(node);
      return text.length() > 80 ? text.substring(0, 77) + "..." : text;
    }
  }
}
