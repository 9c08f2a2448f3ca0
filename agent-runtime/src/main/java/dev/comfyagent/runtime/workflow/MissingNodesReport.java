package dev.comfyagent.runtime.workflow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.discover.ManagerNodeMap;
import dev.comfyagent.runtime.discover.NodeDefinitions;
import dev.comfyagent.runtime.discover.NodePack;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The node types of a workflow that ComfyUI does not have, each with the ComfyUI-Manager packs that
 * provide it: what {@code find_missing_nodes} answers, as text and as structured content.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * MissingNodesReport report = MissingNodesReport.of(workflow, liveDefinitions, managerMap);
 * ToolResult.of(report.text(), report.toJson());
 * }</pre>
 *
 * @param nodeTypes how many distinct node types the workflow uses
 * @param nodes how many nodes the workflow has
 * @param missing the types ComfyUI lacks, in the workflow's node order
 * @param managerMapAvailable whether ComfyUI-Manager's map could be read
 * @param managerMapSource where the map was looked for, or why it is not there
 */
public record MissingNodesReport(
    int nodeTypes,
    int nodes,
    List<MissingType> missing,
    boolean managerMapAvailable,
    String managerMapSource) {

  /**
   * One node type ComfyUI lacks.
   *
   * @param classType the node type
   * @param nodeIds the workflow's nodes of that type
   * @param packs the packs that provide it, ComfyUI-Manager's choice first; empty when unknown
   */
  public record MissingType(String classType, List<String> nodeIds, List<NodePack> packs) {
    public MissingType {
      nodeIds = List.copyOf(nodeIds);
      packs = List.copyOf(packs);
    }

    /** {@code FaceDetailer (nodes 12, 14)}. */
    String mention() {
      return classType
          + " ("
          + (nodeIds.size() == 1 ? "node " : "nodes ")
          + String.join(", ", nodeIds)
          + ")";
    }
  }

  public MissingNodesReport {
    missing = List.copyOf(missing);
  }

  /** The node types of {@code workflow} that {@code installed} lacks, with their packs. */
  public static MissingNodesReport of(
      Workflow workflow, NodeDefinitions installed, ManagerNodeMap managerMap) {
    Map<String, List<String>> nodesByType = new LinkedHashMap<>();
    for (String id : workflow.nodeIds()) {
      workflow
          .classTypeOf(id)
          .ifPresent(t -> nodesByType.computeIfAbsent(t, k -> new ArrayList<>()).add(id));
    }
    List<MissingType> missing = new ArrayList<>();
    nodesByType.forEach(
        (type, ids) -> {
          if (!installed.contains(type)) {
            missing.add(new MissingType(type, ids, managerMap.packsProviding(type)));
          }
        });
    return new MissingNodesReport(
        nodesByType.size(),
        workflow.size(),
        missing,
        managerMap.isAvailable(),
        managerMap.describeSource());
  }

  /**
   * What to install, for the assistant: one line per pack, types several packs provide named with
   * all of them (which one the workflow's author used cannot be told from the class name), and
   * types ComfyUI-Manager does not know.
   */
  public String text() {
    StringBuilder text = new StringBuilder();
    if (missing.isEmpty()) {
      return text.append("All ")
          .append(nodeTypes)
          .append(" node types of the workflow (")
          .append(nodes)
          .append(" nodes) are installed in the connected ComfyUI.")
          .toString();
    }
    text.append(missing.size())
        .append(" of ")
        .append(nodeTypes)
        .append(" node types of the workflow are not installed in the connected ComfyUI:\n");
    Map<NodePack, List<String>> byPack = new LinkedHashMap<>();
    List<MissingType> severalPacks = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    for (MissingType type : missing) {
      if (type.packs().isEmpty()) {
        unknown.add(type.mention());
      } else if (type.packs().size() == 1) {
        byPack.computeIfAbsent(type.packs().get(0), p -> new ArrayList<>()).add(type.mention());
      } else {
        severalPacks.add(type);
      }
    }
    byPack.forEach(
        (pack, mentions) ->
            text.append("- install ")
                .append(pack.mention())
                .append(" for ")
                .append(String.join(", ", mentions))
                .append('\n'));
    for (MissingType type : severalPacks) {
      List<NodePack> packs = type.packs();
      if (packs.get(0).preemptions().contains(type.classType())) {
        text.append("- install ")
            .append(packs.get(0).mention())
            .append(" for ")
            .append(type.mention())
            .append(" (ComfyUI-Manager's choice; also provided by ")
            .append(
                String.join(
                    "; ", packs.subList(1, packs.size()).stream().map(NodePack::mention).toList()))
            .append(")\n");
      } else {
        text.append("- install one of ")
            .append(packs.size())
            .append(" packs for ")
            .append(type.mention())
            .append(": ")
            .append(String.join("; ", packs.stream().map(NodePack::mention).toList()))
            .append('\n');
      }
    }
    if (!unknown.isEmpty()) {
      text.append("- unknown to ComfyUI-Manager: ").append(String.join(", ", unknown)).append('\n');
      if (!managerMapAvailable) {
        text.append("  (ComfyUI-Manager's node map is not available: ")
            .append(managerMapSource)
            .append(")\n");
      }
    }
    if (!byPack.isEmpty() || !severalPacks.isEmpty()) {
      text.append(
          "Install the packs with ComfyUI-Manager (or git clone them into custom_nodes) and"
              + " restart ComfyUI.");
    }
    return text.toString().stripTrailing();
  }

  /**
   * {@code {node_types, nodes, missing: [{class_type, node_ids, packs}], manager_map_available}}.
   */
  public ObjectNode toJson() {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("node_types", nodeTypes);
    json.put("nodes", nodes);
    ArrayNode missingJson = json.putArray("missing");
    for (MissingType type : missing) {
      ObjectNode item = missingJson.addObject();
      item.put("class_type", type.classType());
      ArrayNode ids = item.putArray("node_ids");
      type.nodeIds().forEach(ids::add);
      item.set("packs", NodePack.toJson(type.packs()));
    }
    json.put("manager_map_available", managerMapAvailable);
    return json;
  }
}
