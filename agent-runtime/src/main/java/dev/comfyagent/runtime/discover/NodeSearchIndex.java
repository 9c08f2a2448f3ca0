package dev.comfyagent.runtime.discover;

import dev.comfyagent.runtime.discover.NodeMatch.Installation;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A search index over the node types of one live catalog and one ComfyUI-Manager map, built once
 * and then queried many times: ranked exact &gt; prefix &gt; token &gt; fuzzy, each query touching
 * only the index entries its words lead to (no scan of all node types, no regular expressions).
 *
 * <p>Usage:
 *
 * <pre>{@code
 * NodeSearchIndex index = NodeSearchIndex.build(catalog.definitions(), managerMap);
 * List<NodeMatch> top = index.search("upscale model", 20, false);
 * top.get(0).tier();          // EXACT, PREFIX, TOKEN or FUZZY
 * top.get(0).installation();  // INSTALLED, NOT_INSTALLED or UNKNOWN
 * }</pre>
 *
 * <p>What is indexed: class names and display names (as whole keys for exact, prefix and substring
 * matches, and as words split at CamelCase), categories, node descriptions, and for node types
 * known from ComfyUI-Manager the pack's title and description ({@link SearchTermsBuilder} says
 * exactly). How a query ranks them: {@link NodeSearchQuery}.
 *
 * <p>The parts: {@link IndexedNode} (one node type), {@link NameOrder} (the tie-break), {@link
 * SearchTerms} (the compact term tables, built by {@link SearchTermsBuilder}), {@link
 * NodeSearchQuery} (one query) with its pooled {@link QueryScratch} and {@link TopK}.
 *
 * <p>Immutable and thread-safe; each concurrent query borrows its own scratch arrays from a pool.
 */
public final class NodeSearchIndex {

  /** Node types by id; the live catalog's come first, in its order (ids 0 .. n - 1). */
  final IndexedNode[] nodes;

  /** The live catalog's definitions by node id: {@code definitions[id]} for installed ids. */
  final NodeDefinition[] definitions;

  /** Each node's place in the tie-break order ({@link NameOrder}). */
  final int[] tieRank;

  final SearchTerms terms;

  private final boolean liveCatalog;

  private final ConcurrentLinkedQueue<QueryScratch> scratchPool = new ConcurrentLinkedQueue<>();

  private NodeSearchIndex(NodeDefinitions live, ManagerNodeMap managerMap) {
    this.liveCatalog = live != null;
    this.definitions =
        live == null ? new NodeDefinition[0] : live.all().toArray(new NodeDefinition[0]);
    Installation absent = live == null ? Installation.UNKNOWN : Installation.NOT_INSTALLED;
    List<IndexedNode> gathered = IndexedNode.gather(definitions, absent, managerMap);
    this.nodes = gathered.toArray(new IndexedNode[0]);
    this.tieRank = NameOrder.ranks(nodes);
    this.terms = new SearchTermsBuilder(gathered).build();
  }

  /** The same index over a live catalog whose searchable text is that of {@code original}'s. */
  private NodeSearchIndex(NodeSearchIndex original, NodeDefinition[] definitions) {
    this.nodes = original.nodes;
    this.definitions = definitions;
    this.liveCatalog = original.liveCatalog;
    this.tieRank = original.tieRank;
    this.terms = original.terms;
  }

  /**
   * Builds the index.
   *
   * @param live the live catalog's definitions, or {@code null} when ComfyUI could not be asked
   *     (every node type is then of {@link Installation#UNKNOWN} installation)
   * @param managerMap ComfyUI-Manager's map (may know nothing)
   */
  public static NodeSearchIndex build(NodeDefinitions live, ManagerNodeMap managerMap) {
    return new NodeSearchIndex(live, managerMap);
  }

  /**
   * The index over the installed node types of {@code live} alone, as {@link #build} makes it with
   * a map that knows nothing: what a search answers from while ComfyUI-Manager's map is read.
   */
  static NodeSearchIndex buildInstalledOnly(NodeDefinitions live) {
    return new NodeSearchIndex(live, null);
  }

  /**
   * This index serving the definitions of {@code live}, a newer copy of the live catalog, when
   * everything searchable in it is as in the catalog the index was built from: the same node types
   * in the same order with the same class names, display names, categories and descriptions. A
   * refresh that changed nothing, or only inputs (a new model file in a choice list), then costs no
   * rebuild, and matches carry the new definitions. Empty when anything searchable changed, or when
   * either side has no live catalog; the index must then be built again.
   */
  Optional<NodeSearchIndex> withLiveDefinitions(NodeDefinitions live) {
    if (!liveCatalog || live == null || live.size() != definitions.length) {
      return Optional.empty();
    }
    NodeDefinition[] fresh = live.all().toArray(new NodeDefinition[0]);
    for (int id = 0; id < fresh.length; id++) {
      NodeDefinition def = fresh[id];
      IndexedNode e = nodes[id];
      if (!def.classType().equals(e.classType)
          || !def.displayName().equals(e.displayName)
          || !def.category().equals(e.category)
          || !def.description().equals(e.description)) {
        return Optional.empty();
      }
    }
    return Optional.of(new NodeSearchIndex(this, fresh));
  }

  /** Whether both indexes share their search structures (one is the other with new definitions). */
  boolean sharesStructureWith(NodeSearchIndex other) {
    return other.terms == terms && other.nodes == nodes;
  }

  /** Number of node types indexed. */
  public int size() {
    return nodes.length;
  }

  /** Number of indexed node types the connected ComfyUI has. */
  public int installedCount() {
    return definitions.length;
  }

  /** Whether the index was built with a live catalog (so "not installed" is known). */
  public boolean hasLiveCatalog() {
    return liveCatalog;
  }

  /**
   * The best matches of {@code query}, at most {@code limit}, ordered by tier and then score; an
   * installed node ranks a little higher than an equal one that is not installed ({@link
   * NodeSearchQuery} has the rules).
   *
   * @param query any text: a class name, a display name, words of a description; case, spaces and
   *     punctuation do not matter
   * @param installedOnly whether to leave out node types the connected ComfyUI does not have
   */
  public List<NodeMatch> search(String query, int limit, boolean installedOnly) {
    String queryKey = SearchText.key(query);
    if (queryKey.isEmpty() || limit <= 0) {
      return List.of();
    }
    QueryScratch s = scratchPool.poll();
    if (s == null) {
      s = new QueryScratch(nodes.length, terms.size());
    }
    try {
      return new NodeSearchQuery(this, s, queryKey, query, limit, installedOnly).run();
    } finally {
      scratchPool.offer(s);
    }
  }
}
