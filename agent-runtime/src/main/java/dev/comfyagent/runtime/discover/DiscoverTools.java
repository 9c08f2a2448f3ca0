package dev.comfyagent.runtime.discover;

import dev.comfyagent.runtime.session.SessionRegistry;
import dev.comfyagent.runtime.tool.Tool;
import java.util.List;

/**
 * The DISCOVER tools: {@code search_nodes}, {@code get_node_info}, {@code list_models}, {@code
 * find_missing_nodes}.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * NodeSearch search = new NodeSearch(catalog, managerMap);
 * DiscoverTools.create(catalog, search, models, sessions).forEach(registry::register);
 * }</pre>
 */
public final class DiscoverTools {

  private DiscoverTools() {}

  /** The tools, sharing the given catalog, search index, model lists and sessions. */
  public static List<Tool> create(
      NodeCatalog catalog, NodeSearch search, ModelCatalog models, SessionRegistry sessions) {
    return List.of(
        new SearchNodesTool(search),
        new GetNodeInfoTool(catalog, search),
        new ListModelsTool(models),
        new FindMissingNodesTool(catalog, search.managerMap(), sessions));
  }
}
