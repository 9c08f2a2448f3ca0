package dev.comfyagent.runtime.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.discover.InputSpec;
import dev.comfyagent.runtime.discover.NodeDefinition;
import dev.comfyagent.runtime.discover.NodeDefinitions;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a workflow is made of, for an assistant that has to understand it before changing it: nodes
 * by class, links, the models it needs, and the literal inputs that can be edited.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * WorkflowSummary summary = WorkflowSummary.of(workflow, catalog.tryDefinitions());
 * summary.text();     // readable
 * summary.toJson();   // the same as structured content
 * }</pre>
 *
 * <p>Models are recognised by the loader input names ComfyUI uses ({@code ckpt_name}, {@code
 * lora_name}, {@code vae_name}, {@code unet_name}, {@code clip_name1}, {@code control_net_name},
 * {@code model_name} of upscale loaders, ...), by choice inputs whose value is a model file ({@code
 * .safetensors}, {@code .ckpt}, ...) when the catalog is known, and by {@code embedding:name} in
 * prompts. Each carries the models folder it comes from where that is known, for {@code
 * list_models}.
 *
 * @param nodeCount how many nodes
 * @param nodesByClass node ids per class_type, classes sorted by name
 * @param links every link, with the type of the source output when the catalog knows it
 * @param models models referenced
 * @param editable literal inputs per node, in node order
 * @param catalogAvailable whether the catalog was used
 */
public record WorkflowSummary(
    int nodeCount,
    Map<String, List<String>> nodesByClass,
    List<LinkInfo> links,
    List<ModelReference> models,
    List<NodeInputs> editable,
    boolean catalogAvailable) {

  private static final Map<String, String> FOLDER_BY_INPUT =
      Map.ofEntries(
          Map.entry("ckpt_name", "checkpoints"),
          Map.entry("lora_name", "loras"),
          Map.entry("vae_name", "vae"),
          Map.entry("unet_name", "diffusion_models"),
          Map.entry("clip_name", "text_encoders"),
          Map.entry("clip_name1", "text_encoders"),
          Map.entry("clip_name2", "text_encoders"),
          Map.entry("clip_name3", "text_encoders"),
          Map.entry("clip_name4", "text_encoders"),
          Map.entry("control_net_name", "controlnet"),
          Map.entry("style_model_name", "style_models"),
          Map.entry("clip_vision_name", "clip_vision"),
          Map.entry("gligen_name", "gligen"),
          Map.entry("hypernetwork_name", "hypernetworks"),
          Map.entry("upscale_model_name", "upscale_models"),
          Map.entry("config_name", "configs"),
          Map.entry("photomaker_model_name", "photomaker"));

  private static final Pattern MODEL_FILE =
      Pattern.compile(
          ".*\\.(safetensors|ckpt|pt|pth|bin|gguf|sft|onnx)$", Pattern.CASE_INSENSITIVE);
  private static final Pattern EMBEDDING = Pattern.compile("embedding:([\\w.\\-/\\\\]+)");

  public WorkflowSummary {
    nodesByClass = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(nodesByClass));
    links = List.copyOf(links);
    models = List.copyOf(models);
    editable = List.copyOf(editable);
  }

  /** Summarizes {@code workflow}; the catalog adds link types, spec hints and model detection. */
  public static WorkflowSummary of(Workflow workflow, Optional<NodeDefinitions> catalog) {
    NodeDefinitions defs = catalog.orElse(null);
    ObjectNode tree = workflow.tree();
    Map<String, List<String>> byClass = new TreeMap<>();
    List<ModelReference> models = new ArrayList<>();
    List<NodeInputs> editable = new ArrayList<>();
    for (Map.Entry<String, JsonNode> node : tree.properties()) {
      String id = node.getKey();
      String classType = node.getValue().path("class_type").asText();
      byClass.computeIfAbsent(classType, k -> new ArrayList<>()).add(id);
      NodeDefinition def = defs == null ? null : defs.find(classType).orElse(null);
      List<EditableInput> literals = new ArrayList<>();
      for (Map.Entry<String, JsonNode> input : node.getValue().path("inputs").properties()) {
        JsonNode value = input.getValue();
        if (Workflow.isLink(value)) {
          continue;
        }
        InputSpec spec = def == null ? null : def.input(input.getKey()).orElse(null);
        literals.add(EditableInput.of(input.getKey(), value, spec));
        modelIn(id, classType, input.getKey(), value, spec).ifPresent(models::add);
        if (value.isTextual()) {
          Matcher m = EMBEDDING.matcher(value.asText());
          while (m.find()) {
            models.add(new ModelReference(id, classType, input.getKey(), m.group(1), "embeddings"));
          }
        }
      }
      editable.add(new NodeInputs(id, classType, workflow.titleOf(id).orElse(null), literals));
    }
    List<LinkInfo> links = new ArrayList<>();
    for (Workflow.Link link : workflow.links()) {
      String type = null;
      if (defs != null) {
        type =
            defs.find(tree.path(link.fromNode()).path("class_type").asText())
                .flatMap(d -> d.output(link.fromOutput()))
                .map(o -> o.type())
                .orElse(null);
      }
      links.add(new LinkInfo(link, type));
    }
    return new WorkflowSummary(tree.size(), byClass, links, models, editable, defs != null);
  }

  private static Optional<ModelReference> modelIn(
      String id, String classType, String input, JsonNode value, InputSpec spec) {
    if (!value.isTextual() || value.asText().isEmpty()) {
      return Optional.empty();
    }
    String folder = FOLDER_BY_INPUT.get(input);
    boolean named = folder != null;
    if ("model_name".equals(input)) {
      named = true;
      String lower = classType.toLowerCase(Locale.ROOT);
      folder = lower.contains("upscale") ? "upscale_models" : null;
    }
    boolean looksLikeFile =
        spec != null && spec.isChoice() && MODEL_FILE.matcher(value.asText()).matches();
    if (!named && !looksLikeFile) {
      return Optional.empty();
    }
    return Optional.of(new ModelReference(id, classType, input, value.asText(), folder));
  }

  /** Readable text: counts, classes, models, links, editable inputs. */
  public String text() {
    StringBuilder out = new StringBuilder();
    out.append(nodeCount)
        .append(nodeCount == 1 ? " node, " : " nodes, ")
        .append(links.size())
        .append(links.size() == 1 ? " link." : " links.");
    if (!catalogAvailable) {
      out.append(" (ComfyUI's node catalog was unavailable: no types or bounds shown.)");
    }
    out.append("\nNodes by class:");
    nodesByClass.forEach(
        (type, ids) ->
            out.append("\n- ")
                .append(type)
                .append(ids.size() > 1 ? " x" + ids.size() : "")
                .append(": ")
                .append(String.join(", ", ids)));
    out.append("\nModels referenced:");
    if (models.isEmpty()) {
      out.append(" none");
    }
    for (ModelReference m : models) {
      out.append("\n- ")
          .append(m.folder() == null ? "" : m.folder() + "/")
          .append(m.name())
          .append(" (node ")
          .append(m.nodeId())
          .append(' ')
          .append(m.classType())
          .append('.')
          .append(m.input())
          .append(')');
    }
    out.append("\nLinks (source.output -> target.input):");
    if (links.isEmpty()) {
      out.append(" none");
    }
    for (LinkInfo l : links) {
      out.append("\n- ")
          .append(l.link().fromNode())
          .append('.')
          .append(l.link().fromOutput())
          .append(" -> ")
          .append(l.link().toNode())
          .append('.')
          .append(l.link().toInput());
      if (l.type() != null) {
        out.append(" (").append(l.type()).append(')');
      }
    }
    out.append(
        "\nEditable inputs (set_input node_id input value; patch path /<id>/inputs/<name>):");
    if (editable.stream().allMatch(node -> node.inputs().isEmpty())) {
      out.append(" none");
    }
    for (NodeInputs node : editable) {
      if (node.inputs().isEmpty()) {
        continue;
      }
      out.append("\n- node ").append(node.nodeId()).append(' ').append(node.classType());
      if (node.title() != null && !node.title().equals(node.classType())) {
        out.append(" \"").append(node.title()).append('"');
      }
      out.append(':');
      for (EditableInput input : node.inputs()) {
        out.append("\n    ").append(input.name()).append(" = ").append(show(input.value()));
        String hint = input.hint();
        if (!hint.isEmpty()) {
          out.append("  [").append(hint).append(']');
        }
      }
    }
    return out.toString();
  }

  private static String show(JsonNode value) {
    String text = WorkflowJson.compact(value);
    return text.length() > 200 ? text.substring(0, 197) + "..." : text;
  }

  /** The summary as JSON. */
  public ObjectNode toJson() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode json = f.objectNode();
    json.put("node_count", nodeCount);
    json.put("link_count", links.size());
    json.put("catalog_available", catalogAvailable);
    ObjectNode classes = json.putObject("nodes_by_class");
    nodesByClass.forEach(
        (type, ids) -> {
          ArrayNode a = classes.putArray(type);
          ids.forEach(a::add);
        });
    ArrayNode linkArray = json.putArray("links");
    for (LinkInfo l : links) {
      ObjectNode o = linkArray.addObject();
      o.put("from_node", l.link().fromNode());
      o.put("from_output", l.link().fromOutput());
      o.put("to_node", l.link().toNode());
      o.put("to_input", l.link().toInput());
      if (l.type() != null) {
        o.put("type", l.type());
      }
    }
    ArrayNode modelArray = json.putArray("models");
    for (ModelReference m : models) {
      ObjectNode o = modelArray.addObject();
      o.put("node_id", m.nodeId());
      o.put("class_type", m.classType());
      o.put("input", m.input());
      o.put("name", m.name());
      o.put("folder", m.folder());
    }
    ObjectNode nodes = json.putObject("editable_inputs");
    for (NodeInputs node : editable) {
      ObjectNode n = nodes.putObject(node.nodeId());
      n.put("class_type", node.classType());
      if (node.title() != null) {
        n.put("title", node.title());
      }
      ObjectNode inputs = n.putObject("inputs");
      for (EditableInput input : node.inputs()) {
        ObjectNode i = inputs.putObject(input.name());
        i.set("value", input.value().deepCopy());
        if (input.type() != null) {
          i.put("type", input.type());
        }
        if (input.min() != null) {
          i.put("min", input.min());
        }
        if (input.max() != null) {
          i.put("max", input.max());
        }
        if (input.choiceCount() > 0) {
          i.put("choices", input.choiceCount());
        }
      }
    }
    return json;
  }

  /** A link and, when known, the type it carries. */
  public record LinkInfo(Workflow.Link link, String type) {}

  /**
   * A model file a node loads.
   *
   * @param folder ComfyUI's models folder ({@code checkpoints}, {@code loras}, ...), or {@code
   *     null} when not known
   */
  public record ModelReference(
      String nodeId, String classType, String input, String name, String folder) {}

  /** The literal inputs of one node. */
  public record NodeInputs(
      String nodeId, String classType, String title, List<EditableInput> inputs) {

    public NodeInputs {
      inputs = List.copyOf(inputs);
    }
  }

  /**
   * One literal input and what the catalog says about it ({@code type} etc. are {@code null} / 0
   * without a catalog).
   */
  public record EditableInput(
      String name, JsonNode value, String type, BigDecimal min, BigDecimal max, int choiceCount) {

    static EditableInput of(String name, JsonNode value, InputSpec spec) {
      if (spec == null) {
        return new EditableInput(name, value, null, null, null, 0);
      }
      return new EditableInput(
          name, value, spec.type(), spec.min(), spec.max(), spec.choices().size());
    }

    /** {@code INT 1..10000} or {@code one of 38 choices}, empty without a catalog. */
    String hint() {
      if (type == null) {
        return "";
      }
      if (choiceCount > 0) {
        return "one of " + choiceCount + " choices";
      }
      StringBuilder hint = new StringBuilder(type);
      if (min != null || max != null) {
        hint.append(' ')
            .append(min == null ? "" : LiteralCheck.plain(min))
            .append("..")
            .append(max == null ? "" : LiteralCheck.plain(max));
      }
      return hint.toString();
    }
  }
}
