package dev.comfyagent.runtime.discover;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
 * search.prepareInstalledInBackground();  // early: the live catalog, the installed node types
 * search.prepareInBackground();     // then: the map and the whole index, off the caller
 * NodeSearch.Answer answer = search.search("face detailer", 10, false, false);
 * answer.matches();                 // ranked
 * answer.liveProblem();             // why installed status is unknown, if it is
 * answer.managerMapPending();       // set while the Manager's part is still being prepared
 * }</pre>
 *
 * <p>A live catalog fetched again after its time-to-live usually holds the same node types; the
 * index then stays and only serves the new definitions, so a search pays for a build only when a
 * node type, a name, a category or a description changed, or the Manager's map was read again.
 *
 * <p>When ComfyUI cannot be asked, the last catalog it answered is used, and if there never was one
 * the search runs over ComfyUI-Manager's map alone, saying so.
 *
 * <p>A first search that does not wait: reading ComfyUI-Manager's map (about 40,000 node types) and
 * indexing it takes a fresh JVM about a second. {@link #prepareInBackground()} starts that at
 * start, with the live catalog fetched beside it; until the whole index is ready, a search answers
 * at once from the installed node types alone and says so ({@link Answer#managerMapPending()}),
 * never silently partial. Once it is ready, answers are those of an index built over both at once.
 * Without {@link #prepareInBackground()} (or with {@code refresh}), a search builds what it needs
 * and waits for it, as before.
 *
 * <p>Thread-safe: indexes are immutable and swapped atomically, so a search sees one whole index,
 * the partial one or the complete one; two threads that find the index stale at once may both
 * build, which is harmless.
 */
public final class NodeSearch {

  private static final Logger log = LoggerFactory.getLogger(NodeSearch.class);

  /** Name of the background thread that reads the map and builds the whole index. */
  public static final String INDEX_THREAD = "comfy-agent-search-index";

  /** Name of the background thread that fetches the live catalog for the installed part. */
  public static final String CATALOG_THREAD = "comfy-agent-node-catalog";

  private final NodeCatalog catalog;
  private final ManagerNodeMap managerMap;
  private volatile Built built;
  private volatile Built installedOnly;
  private volatile Preparation preparation;
  private Thread installedPreparation;

  public NodeSearch(NodeCatalog catalog, ManagerNodeMap managerMap) {
    this.catalog = catalog;
    this.managerMap = managerMap;
  }

  /**
   * Prepares the installed part on a daemon thread, {@value #CATALOG_THREAD}: fetches the live
   * catalog (asking ComfyUI for {@code /object_info} once) and indexes the installed node types, so
   * that a search made while the rest is prepared answers at once. Mostly waiting on ComfyUI, so it
   * can start early. Does nothing when called again, or after {@link #prepareInBackground()}.
   */
  public synchronized void prepareInstalledInBackground() {
    if (installedPreparation == null) {
      installedPreparation = daemon(CATALOG_THREAD, this::prepareInstalledPart);
      installedPreparation.start();
    }
  }

  /**
   * Prepares the whole index in the background so that the first search does not wait: the
   * installed part as {@link #prepareInstalledInBackground()} does (unless already started), and on
   * a second daemon thread, {@value #INDEX_THREAD}, ComfyUI-Manager's map read and the whole index
   * built. Failures are those a search would meet (an unreachable ComfyUI, an unreadable map): they
   * end up in the answers' notes, as they would without preparation. Does nothing when called
   * again.
   */
  public synchronized void prepareInBackground() {
    if (preparation != null) {
      return;
    }
    Preparation prep = new Preparation(System.nanoTime());
    preparation = prep;
    prepareInstalledInBackground();
    Thread installed = installedPreparation;
    Thread whole =
        daemon(
            INDEX_THREAD,
            () -> {
              try {
                managerMap.packCount();
                installed.join();
                Snapshot ready = complete(false);
                log.info(
                    "node search ready {} ms after start: {} node types, {} installed",
                    prep.elapsedMillis(),
                    ready.index().size(),
                    ready.index().installedCount());
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (RuntimeException e) {
                // A search builds it again, in its own thread, and meets the failure there.
                log.warn("preparing the node search index in the background failed", e);
              } finally {
                prep.finish();
              }
            });
    whole.start();
  }

  private void prepareInstalledPart() {
    try {
      NodeCatalog.Lookup lookup = catalog.lookup(false);
      NodeDefinitions live = lookup.definitions().orElse(null);
      if (live != null && !isComplete(built, live)) {
        installedOnly(live);
      }
    } catch (RuntimeException e) {
      log.warn("preparing the installed node types' index in the background failed", e);
    }
  }

  private static Thread daemon(String name, Runnable work) {
    Thread thread = new Thread(work, name);
    thread.setDaemon(true);
    return thread;
  }

  /**
   * Waits until the background preparation is over (at once when none was started).
   *
   * @return whether it is over
   */
  public boolean awaitPrepared(Duration timeout) throws InterruptedException {
    Preparation prep = preparation;
    return prep == null || prep.done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Searches.
   *
   * @param refresh whether to fetch the live catalog and re-read ComfyUI-Manager's map first (waits
   *     for both, and for the index over them)
   */
  public Answer search(String query, int limit, boolean installedOnly, boolean refresh) {
    Snapshot snapshot = snapshot(refresh);
    return new Answer(
        snapshot.index().search(query, limit, installedOnly),
        snapshot.index(),
        snapshot.liveProblem(),
        snapshot.managerMapPending());
  }

  /**
   * The index to search now: over the current catalog and map, built when either changed; while the
   * background preparation has not finished, the installed part alone when the whole is not ready
   * yet.
   */
  public Snapshot snapshot(boolean refresh) {
    Preparation prep = preparation;
    if (refresh || prep == null || prep.isFinished()) {
      return complete(refresh);
    }
    NodeCatalog.Lookup lookup = catalog.lookup(false);
    NodeDefinitions live = lookup.definitions().orElse(null);
    String problem = liveProblem(lookup);
    Built current = built;
    if (isComplete(current, live)) {
      return new Snapshot(current.index(), problem, null);
    }
    String pending =
        "ComfyUI-Manager's node map is still being read and indexed (started "
            + prep.elapsedMillis()
            + " ms ago), so only installed node types were searched; search again in a moment to"
            + " include the node types ComfyUI-Manager can install";
    return new Snapshot(installedOnly(live).index(), problem, pending);
  }

  /** Whether {@code current} is the whole index over {@code live} and the map as read now. */
  private boolean isComplete(Built current, NodeDefinitions live) {
    return current != null
        && current.live() == live
        && managerMap.isRead()
        && current.generation() == managerMap.generation();
  }

  /** The index over the installed node types of {@code live} alone, kept per catalog. */
  private Built installedOnly(NodeDefinitions live) {
    Built part = installedOnly;
    if (part == null || part.live() != live) {
      // No ManagerNodeMap for it: the memory probes count the runtime's one map.
      part = new Built(live, -1, NodeSearchIndex.buildInstalledOnly(live));
      installedOnly = part;
    }
    return part;
  }

  /** The whole index over the current catalog and map, built (and waited for) when stale. */
  private Snapshot complete(boolean refresh) {
    if (refresh) {
      managerMap.refresh();
    }
    NodeCatalog.Lookup lookup = catalog.lookup(refresh);
    NodeDefinitions live = lookup.definitions().orElse(null);
    long generation = managerMap.generation();
    Built current = built;
    if (current == null || current.live() != live || current.generation() != generation) {
      current = rebuilt(current, live, generation);
      built = current;
    }
    return new Snapshot(current.index(), liveProblem(lookup), null);
  }

  private static String liveProblem(NodeCatalog.Lookup lookup) {
    return lookup.stale() ? lookup.note().orElseThrow() : lookup.problem();
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
   * @param managerMapPending why only installed node types were searched (ComfyUI-Manager's part is
   *     still being prepared), or {@code null} when the whole index was searched
   */
  public record Answer(
      List<NodeMatch> matches,
      NodeSearchIndex index,
      String liveProblem,
      String managerMapPending) {}

  /**
   * The index to search now.
   *
   * @param index the index
   * @param liveProblem why the live catalog is stale or missing, or {@code null} when fresh
   * @param managerMapPending why the index holds the installed node types alone, or {@code null}
   *     when it is the whole index
   */
  public record Snapshot(NodeSearchIndex index, String liveProblem, String managerMapPending) {}

  private record Built(NodeDefinitions live, long generation, NodeSearchIndex index) {}

  /** The background preparation: when it started, and a latch released when it is over. */
  private static final class Preparation {
    final long startedNanos;
    final CountDownLatch done = new CountDownLatch(1);

    Preparation(long startedNanos) {
      this.startedNanos = startedNanos;
    }

    long elapsedMillis() {
      return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    boolean isFinished() {
      return done.getCount() == 0;
    }

    void finish() {
      done.countDown();
    }
  }
}
