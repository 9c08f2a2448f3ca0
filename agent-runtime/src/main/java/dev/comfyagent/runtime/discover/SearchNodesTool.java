package dev.comfyagent.runtime.discover;

import static dev.comfyagent.runtime.discover.DiscoverText.JSON;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.discover.NodeMatch.Installation;
import dev.comfyagent.runtime.tool.InputSchema;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolArguments;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolResult;

/**
 * {@code search_nodes}: finds node types by name, display name, category or description, among the
 * installed ones and those ComfyUI-Manager can install, ranked exact &gt; prefix &gt; token &gt;
 * fuzzy.
 */
public final class SearchNodesTool implements Tool {

  static final int DEFAULT_LIMIT = 20;

  private final NodeSearch search;
  private final ObjectNode schema =
      InputSchema.object()
          .requiredString(
              "query",
              "What to look for: a class name (KSampler), a display name (Load Checkpoint), or"
                  + " words (upscale model, face detailer). Case and punctuation do not matter;"
                  + " small typos are forgiven.")
          .optionalInteger("limit", "At most this many results (default 20)", 1, 100)
          .optionalBoolean(
              "installed_only",
              "Only node types the connected ComfyUI has (default false: also those a"
                  + " ComfyUI-Manager pack provides)")
          .optionalBoolean(
              "refresh",
              "Ask ComfyUI for its node list again and re-read ComfyUI-Manager's map first"
                  + " (after installing custom nodes)")
          .build();

  public SearchNodesTool(NodeSearch search) {
    this.search = search;
  }

  @Override
  public String name() {
    return "search_nodes";
  }

  @Override
  public String description() {
    return "Search ComfyUI node types by class name, display name, category or description."
        + " Results are ranked (exact name, then name prefix, then words, then near misses) and"
        + " say whether each node is installed; a node that is not installed names the"
        + " ComfyUI-Manager pack that provides it and its repository. Right after the server"
        + " starts, an answer may cover installed nodes only while ComfyUI-Manager's map is"
        + " indexed; it then says so (manager_map_ready: false), and asking again later gives"
        + " the rest.";
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
    ToolArguments args = ToolArguments.of(arguments);
    String query = args.requiredString("query");
    int limit = args.optionalInt("limit", 1, 100).orElse(DEFAULT_LIMIT);
    boolean installedOnly = args.optionalBoolean("installed_only").orElse(false);
    boolean refresh = args.optionalBoolean("refresh").orElse(false);

    NodeSearch.Answer answer = search.search(query, limit, installedOnly, refresh);
    NodeSearchIndex index = answer.index();
    ManagerNodeMap map = search.managerMap();

    StringBuilder text = new StringBuilder();
    int n = answer.matches().size();
    text.append(n == 0 ? "No" : String.valueOf(n))
        .append(n == 1 ? " node type matches \"" : " node types match \"")
        .append(query)
        .append('"')
        .append(installedOnly ? " among installed nodes" : "")
        .append(n == 0 ? "." : ":")
        .append('\n');
    int rank = 1;
    ArrayNode matches = JSON.arrayNode();
    for (NodeMatch m : answer.matches()) {
      text.append(rank++).append(". ").append(line(m)).append('\n');
      matches.add(json(m));
    }
    if (n == 0) {
      text.append(
          installedOnly
              ? "Search without installed_only to include nodes that ComfyUI-Manager packs"
                  + " provide, or try other words.\n"
              : "Try other or fewer words, or a part of the class name.\n");
    }
    if (answer.liveProblem() != null) {
      text.append("Note: ")
          .append(answer.liveProblem())
          .append(
              index.hasLiveCatalog()
                  ? ".\n"
                  : "; whether a node is installed is unknown (results come from"
                      + " ComfyUI-Manager's map).\n");
    }
    // While the Manager's part is being prepared, asking the map would wait for it.
    boolean mapReady = answer.managerMapPending() == null;
    if (!mapReady) {
      text.append("Note: ").append(answer.managerMapPending()).append(".\n");
    } else if (!map.isAvailable() && !installedOnly) {
      text.append("Note: nodes that are not installed cannot be searched: ")
          .append(map.describeSource())
          .append(".\n");
    }

    ObjectNode structured = JSON.objectNode();
    structured.put("query", query);
    structured.set("matches", matches);
    structured.put("installed_status_known", index.hasLiveCatalog());
    if (answer.liveProblem() != null) {
      structured.put("live_catalog_problem", answer.liveProblem());
    }
    structured.put("manager_map_ready", mapReady);
    ObjectNode mapJson = structured.putObject("manager_map");
    if (mapReady) {
      mapJson.put("available", map.isAvailable());
      mapJson.put("node_types", map.size());
      mapJson.put("source", map.describeSource());
    } else {
      mapJson.putNull("available");
      mapJson.put("node_types", map.size());
      mapJson.put("source", answer.managerMapPending());
    }
    structured.put("indexed_node_types", index.size());
    return ToolResult.of(text.toString().stripTrailing(), structured);
  }

  private static String line(NodeMatch m) {
    StringBuilder line = new StringBuilder(m.classType());
    if (!m.displayName().equals(m.classType())) {
      line.append(" \"").append(m.displayName()).append('"');
    }
    if (!m.category().isEmpty()) {
      line.append(" [").append(m.category()).append(']');
    }
    line.append(" - ").append(DiscoverText.installation(m.installation()));
    if (m.installation() != Installation.INSTALLED && !m.packs().isEmpty()) {
      line.append(", from ").append(m.packs().get(0).mention());
      if (m.packs().size() > 1) {
        line.append(" (and ").append(m.packs().size() - 1).append(" other packs)");
      }
    }
    if (!m.description().isEmpty()) {
      line.append(": ").append(DiscoverText.firstSentence(m.description(), 140));
    }
    return line.toString();
  }

  private static ObjectNode json(NodeMatch m) {
    ObjectNode json = JSON.objectNode();
    json.put("class_type", m.classType());
    json.put("display_name", m.displayName());
    json.put("category", m.category());
    if (!m.description().isEmpty()) {
      json.put("description", DiscoverText.shorten(m.description(), 500));
    }
    json.set("installed", DiscoverText.installedJson(m.installation()));
    json.put("match", DiscoverText.tier(m.tier()));
    json.set("packs", NodePack.toJson(m.packs()));
    return json;
  }
}
