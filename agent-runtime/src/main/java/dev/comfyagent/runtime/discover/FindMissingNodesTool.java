package dev.comfyagent.runtime.discover;

import static dev.comfyagent.runtime.discover.DiscoverText.JSON;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.session.SessionRegistry;
import dev.comfyagent.runtime.tool.InputSchema;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolException;
import dev.comfyagent.runtime.tool.ToolResult;
import dev.comfyagent.runtime.workflow.Workflow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code find_missing_nodes}: the node types of the current workflow that the connected ComfyUI
 * does not have, grouped by the ComfyUI-Manager pack that provides them.
 */
public final class FindMissingNodesTool implements Tool {

  private final NodeCatalog catalog;
  private final ManagerNodeMap managerMap;
  private final SessionRegistry sessions;
  private final ObjectNode schema = InputSchema.object().build();

  public FindMissingNodesTool(
      NodeCatalog catalog, ManagerNodeMap managerMap, SessionRegistry sessions) {
    this.catalog = catalog;
    this.managerMap = managerMap;
    this.sessions = sessions;
  }

  @Override
  public String name() {
    return "find_missing_nodes";
  }

  @Override
  public String description() {
    return "List the node types of the current workflow that the connected ComfyUI does not have,"
        + " each with the ComfyUI-Manager pack (title and repository) that provides it, or"
        + " 'unknown to ComfyUI-Manager'. Call it when a workflow from elsewhere fails to"
        + " validate or queue.";
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
    Workflow workflow = sessions.current(context.connectionId()).workflow().requireCurrent();
    NodeCatalog.Lookup lookup = catalog.lookup();
    if (lookup.definitions().isEmpty()) {
      throw new ToolException("cannot tell which node types are missing: " + lookup.problem());
    }
    NodeDefinitions live = lookup.definitions().get();

    Map<String, List<String>> nodesByType = new LinkedHashMap<>();
    for (String id : workflow.nodeIds()) {
      workflow
          .classTypeOf(id)
          .ifPresent(t -> nodesByType.computeIfAbsent(t, k -> new ArrayList<>()).add(id));
    }
    Map<String, List<String>> missing = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> entry : nodesByType.entrySet()) {
      if (!live.contains(entry.getKey())) {
        missing.put(entry.getKey(), entry.getValue());
      }
    }

    StringBuilder text = new StringBuilder();
    ObjectNode structured = JSON.objectNode();
    structured.put("node_types", nodesByType.size());
    structured.put("nodes", workflow.size());
    ArrayNode missingJson = structured.putArray("missing");
    if (missing.isEmpty()) {
      text.append("All ")
          .append(nodesByType.size())
          .append(" node types of the workflow (")
          .append(workflow.size())
          .append(" nodes) are installed in the connected ComfyUI.");
    } else {
      text.append(missing.size())
          .append(" of ")
          .append(nodesByType.size())
          .append(" node types of the workflow are not installed in the connected ComfyUI:\n");
      Map<NodePack, List<String>> byPack = new LinkedHashMap<>();
      Map<String, List<NodePack>> severalPacks = new LinkedHashMap<>();
      List<String> unknown = new ArrayList<>();
      missing.forEach(
          (type, ids) -> {
            List<NodePack> packs = managerMap.packsProviding(type);
            String mention = type + " (" + DiscoverText.nodeIds(ids) + ")";
            if (packs.isEmpty()) {
              unknown.add(mention);
            } else if (packs.size() == 1) {
              byPack.computeIfAbsent(packs.get(0), p -> new ArrayList<>()).add(mention);
            } else {
              // Every pack is named, as in the structured content: which one the workflow's
              // author used cannot be told from the class name.
              severalPacks.put(mention, packs);
            }
            ObjectNode item = missingJson.addObject();
            item.put("class_type", type);
            ArrayNode idArray = item.putArray("node_ids");
            ids.forEach(idArray::add);
            item.set("packs", DiscoverText.packsJson(packs));
          });
      byPack.forEach(
          (pack, mentions) ->
              text.append("- install ")
                  .append(DiscoverText.pack(pack))
                  .append(" for ")
                  .append(String.join(", ", mentions))
                  .append('\n'));
      severalPacks.forEach(
          (mention, packs) -> {
            String type = mention.substring(0, mention.indexOf(" ("));
            if (packs.get(0).preemptions().contains(type)) {
              text.append("- install ")
                  .append(DiscoverText.pack(packs.get(0)))
                  .append(" for ")
                  .append(mention)
                  .append(" (ComfyUI-Manager's choice; also provided by ")
                  .append(
                      String.join(
                          "; ",
                          packs.subList(1, packs.size()).stream().map(DiscoverText::pack).toList()))
                  .append(")\n");
            } else {
              text.append("- install one of ")
                  .append(packs.size())
                  .append(" packs for ")
                  .append(mention)
                  .append(": ")
                  .append(String.join("; ", packs.stream().map(DiscoverText::pack).toList()))
                  .append('\n');
            }
          });
      if (!unknown.isEmpty()) {
        text.append("- unknown to ComfyUI-Manager: ")
            .append(String.join(", ", unknown))
            .append('\n');
        if (!managerMap.isAvailable()) {
          text.append("  (ComfyUI-Manager's node map is not available: ")
              .append(managerMap.describeSource())
              .append(")\n");
        }
      }
      if (!byPack.isEmpty() || !severalPacks.isEmpty()) {
        text.append(
            "Install the packs with ComfyUI-Manager (or git clone them into custom_nodes) and"
                + " restart ComfyUI.");
      }
    }
    if (lookup.stale()) {
      text.append("\nNote: ").append(lookup.note().orElseThrow()).append('.');
      structured.put("live_catalog_problem", lookup.problem());
      lookup.fetchedAt().ifPresent(at -> structured.put("catalog_fetched_at", at.toString()));
    }
    structured.put("manager_map_available", managerMap.isAvailable());
    return ToolResult.of(text.toString().stripTrailing(), structured);
  }
}
