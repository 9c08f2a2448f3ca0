package dev.comfyagent.runtime.discover;

import java.util.List;
import java.util.Set;

/**
 * A custom node pack as ComfyUI-Manager knows it: the repository it installs from and the node
 * types it provides.
 *
 * @param repoUrl the repository (or file) URL, the key of {@code extension-node-map.json}
 * @param id the pack's id in ComfyUI-Manager's list (its registry id in recent lists), or empty
 * @param title the pack's title ({@code title} of {@code custom-node-list.json}, else {@code
 *     title_aux} of the node map), never empty
 * @param author the author, or empty
 * @param description what the pack is for, or empty
 * @param nodeTypes the node class names the pack provides, in the map's order
 * @param preemptions node class names this pack wins when several packs declare them
 * @param nodeNamePattern a regular expression ({@code nodename_pattern}) matching further node
 *     names of the pack, or empty
 */
public record NodePack(
    String repoUrl,
    String id,
    String title,
    String author,
    String description,
    List<String> nodeTypes,
    Set<String> preemptions,
    String nodeNamePattern) {

  public NodePack {
    nodeTypes = List.copyOf(nodeTypes);
    preemptions = Set.copyOf(preemptions);
  }
}
