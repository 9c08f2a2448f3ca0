package dev.comfyagent.runtime.discover;

import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Node search over what is installed (the live catalog) and what could be installed
 * (ComfyUI-Manager's map), keeping one {@link NodeSearchIndex} per version of the two and building
 * a new one only when either changes.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * NodeSearch search = new NodeSearch(catalog, managerMap);
 * NodeSearch.Answer answer = search.search("face detailer", 10, false, false);
 * answer.matches();            // ranked
 * answer.liveProblem();        // why installed status is unknown, if it is
 * }</pre>
 *
 * <p>A live catalog fetched again after its time-to-live usually holds the same node types; the
 * index then stays and only serves the new definitions, so a search pays for a build only when a
 * node type, a name, a category or a description changed, or the Manager's map was read again.
 *
 * <p>When ComfyUI cannot be asked, the last catalog it answered is used, and if there never was one
 * the search runs over ComfyUI-Manager's map alone, saying so.
 *
 * <p>Thread-safe: the index is swapped atomically; two threads that find it stale at once may both
 * build, which is harmless.
 */
public final class NodeSearch {

  private static final Logger log = LoggerFactory.getLogger(NodeSearch.class);

  private final NodeCatalog catalog;
  private final ManagerNodeMap managerMap;
  private volatile Built built;

  public NodeSearch(NodeCatalog catalog, ManagerNodeMap managerMap) {
    this.catalog = catalog;
    this.managerMap = managerMap;
  }

  /**
   * Searches.
   *
   * @param refresh whether to fetch the live catalog and re-read ComfyUI-Manager's map first
   */
  public Answer search(String query, int limit, boolean installedOnly, boolean refresh) {
    Snapshot snapshot = snapshot(refresh);
    return new Answer(
        snapshot.index().search(query, limit, installedOnly),
        snapshot.index(),
        snapshot.liveProblem());
  }

  /** The index over the current catalog and map, built when either changed. */
  public Snapshot snapshot(boolean refresh) {
    if (refresh) {
      managerMap.refresh();
    }
    NodeCatalog.Lookup lookup = catalog.lookup(refresh);
    NodeDefinitions live = lookup.definitions().orElse(null);
    String problem = lookup.stale() ? lookup.note().orElseThrow() : lookup.problem();
    long generation = managerMap.generation();
    Built current = built;
    if (current == null || current.live() != live || current.generation() != generation) {
      current = rebuilt(current, live, generation);
      built = current;
    }
    return new Snapshot(current.index(), problem);
  }

  /**
   * The index over {@code live} and the map's {@code generation}: the previous one serving the new
   * definitions when only the live catalog was fetched again and nothing searchable in it changed
   * (the usual refresh after the time-to-live), else a new one.
   */
  private Built rebuilt(Built previous, NodeDefinitions live, long generation) {
    long started = System.nanoTime();
    if (previous != null && previous.generation() == generation) {
      Optional<NodeSearchIndex> same = previous.index().withLiveDefinitions(live);
      if (same.isPresent()) {
        log.debug(
            "the live catalog's node types are unchanged; the node search index is kept ({} µs)",
            (System.nanoTime() - started) / 1_000);
        return new Built(live, generation, same.get());
      }
    }
    Built fresh = new Built(live, generation, NodeSearchIndex.build(live, managerMap));
    log.info(
        "built the node search index: {} node types ({} installed) in {} ms",
        fresh.index().size(),
        fresh.index().installedCount(),
        (System.nanoTime() - started) / 1_000_000);
    return fresh;
  }

  /** The ComfyUI-Manager map searched. */
  public ManagerNodeMap managerMap() {
    return managerMap;
  }

  /**
   * One search's answer.
   *
   * @param matches the ranked matches
   * @param index the index searched (for its size and whether it had a live catalog)
   * @param liveProblem why the live catalog is stale or missing, or {@code null} when fresh
   */
  public record Answer(List<NodeMatch> matches, NodeSearchIndex index, String liveProblem) {}

  /**
   * The index to search now.
   *
   * @param index the index
   * @param liveProblem why the live catalog is stale or missing, or {@code null} when fresh
   */
  public record Snapshot(NodeSearchIndex index, String liveProblem) {}

  private record Built(NodeDefinitions live, long generation, NodeSearchIndex index) {}
}
