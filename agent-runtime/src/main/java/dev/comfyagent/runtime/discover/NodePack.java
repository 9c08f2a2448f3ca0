package dev.comfyagent.runtime.discover;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

  /** Longest description written into JSON; ComfyUI-Manager's lists carry some very long ones. */
  private static final int MAX_JSON_DESCRIPTION = 500;

  public NodePack {
    nodeTypes = List.copyOf(nodeTypes);
    preemptions = Set.copyOf(preemptions);
  }

  /**
   * How every tool names the pack in text: {@code pack "ComfyUI Impact Pack"
   * (https://github.com/...)}.
   */
  public String mention() {
    return "pack \"" + title + "\" (" + repoUrl + ")";
  }

  /**
   * How every tool writes the pack in structured content: {@code title} and {@code repo_url}, then
   * {@code id}, {@code author} and {@code description} (at most 500 characters) when known.
   */
  public ObjectNode toJson() {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("title", title);
    json.put("repo_url", repoUrl);
    if (!id.isEmpty()) {
      json.put("id", id);
    }
    if (!author.isEmpty()) {
      json.put("author", author);
    }
    if (!description.isEmpty()) {
      json.put(
          "description",
          description.length() <= MAX_JSON_DESCRIPTION
              ? description
              : description.substring(0, MAX_JSON_DESCRIPTION - 3) + "...");
    }
    return json;
  }

  /** {@link #toJson()} of each pack, in order. */
  public static ArrayNode toJson(List<NodePack> packs) {
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    packs.forEach(p -> array.add(p.toJson()));
    return array;
  }
}
