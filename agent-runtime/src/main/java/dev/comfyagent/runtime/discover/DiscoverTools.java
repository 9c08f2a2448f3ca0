package dev.comfyagent.runtime.discover;

import dev.comfyagent.runtime.tool.Tool;
import java.util.List;

/**
 * The DISCOVER tools: {@code search_nodes}, {@code get_node_info}, {@code list_models} ({@code
 * find_missing_nodes} reads the current workflow, so it lives with the workflow tools).
 *
 * <p>Usage:
 *
 * <pre>{@code
 * NodeSearch search = new NodeSearch(catalog, managerMap);
 * DiscoverTools.create(catalog, search, models).forEach(registry::register);
 * }</pre>
 */
public final class DiscoverTools {

  private DiscoverTools() {}

  /** The tools, sharing the given catalog, search index and model lists. */
  public static List<Tool> create(NodeCatalog catalog, NodeSearch search, ModelCatalog models) {
    return List.of(
        new SearchNodesTool(search),
        new GetNodeInfoTool(catalog, search),
        new ListModelsTool(models));
  }
}
