package dev.comfyagent.runtime.discover;

import dev.comfyagent.runtime.discover.NodeMatch.Installation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One node type of a {@link NodeSearchIndex}: its names and text as the index cuts them into terms,
 * whether the connected ComfyUI has it, and the packs that provide it. Its {@link #id} is its place
 * in the index: the live catalog's node types first, in the catalog's order, then the node types
 * only ComfyUI-Manager's map knows, in the order the map first lists them.
 *
 * <p>Immutable once {@link #gather} returns.
 */
final class IndexedNode {
  final int id;
  final String classType;
  final String displayName;
  final String category;
  final String description;
  final Installation installation;

  /** The class name's {@link NameOrder#nameKey}, kept for the tie-break order. */
  final long nameKey;

  /** The class name's {@link NameOrder#nameTail}, kept for the tie-break order. */
  final long nameTail;

  private List<NodePack> packs = List.of();

  private IndexedNode(
      int id,
      String classType,
      String displayName,
      String category,
      String description,
      Installation installation) {
    this.id = id;
    this.classType = classType;
    this.displayName = displayName;
    this.category = category;
    this.description = description;
    this.installation = installation;
    this.nameKey = NameOrder.nameKey(classType);
    this.nameTail = NameOrder.nameTail(classType);
  }

  /** The ComfyUI-Manager packs that provide the node type, the preferred one first. */
  List<NodePack> packs() {
    return packs;
  }

  /**
   * The node types of {@code definitions} (installed) and of {@code managerMap}, each once: a node
   * type both have is the installed one with the map's packs.
   *
   * @param definitions the live catalog's definitions, in its order
   * @param absent the installation of a node type only the map has: {@code NOT_INSTALLED} when a
   *     live catalog was read, {@code UNKNOWN} when ComfyUI could not be asked
   * @param managerMap ComfyUI-Manager's map, or {@code null} for the installed node types alone
   */
  static List<IndexedNode> gather(
      NodeDefinition[] definitions, Installation absent, ManagerNodeMap managerMap) {
    List<IndexedNode> nodes = new ArrayList<>();
    Map<String, IndexedNode> installed = new HashMap<>(definitions.length * 2);
    for (NodeDefinition def : definitions) {
      IndexedNode node =
          new IndexedNode(
              nodes.size(),
              def.classType(),
              def.displayName(),
              def.category(),
              def.description(),
              Installation.INSTALLED);
      installed.put(def.classType(), node);
      nodes.add(node);
    }
    // The map's node types come each once, in the order it first lists them.
    List<String> listed = managerMap == null ? List.of() : managerMap.nodeTypes();
    for (String nodeType : listed) {
      IndexedNode node = installed.get(nodeType);
      if (node == null) {
        node = new IndexedNode(nodes.size(), nodeType, nodeType, "", "", absent);
        nodes.add(node);
      }
      node.packs = managerMap.packsProviding(nodeType);
    }
    return nodes;
  }
}
