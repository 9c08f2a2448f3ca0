package dev.comfyagent.runtime.discover;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The live node catalog: ComfyUI's {@code /object_info}, fetched on first use and again when older
 * than its time-to-live or on an explicit {@link #refresh()}.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * NodeCatalog catalog = new NodeCatalog(client::objectInfo, Duration.ofMinutes(5), Clock.systemUTC());
 * catalog.definitions().find("KSampler");      // fetches once, then serves from the cache
 * catalog.cached();                            // never fetches: empty when ComfyUI was never reached
 * }</pre>
 *
 * <p>When a refresh fails, the previous definitions are kept and the failure is thrown; callers
 * that can work without a catalog use {@link #tryDefinitions()}. {@link #size()} is part of the
 * contract with the instrument-javaagent's memory probe profile.
 *
 * <p>Thread-safe: readers see one whole snapshot; concurrent stale readers may fetch twice, which
 * is harmless.
 */
public final class NodeCatalog {

  private final ObjectInfoSource source;
  private final Duration ttl;
  private final Clock clock;

  private volatile Loaded loaded;

  public NodeCatalog(ObjectInfoSource source, Duration ttl, Clock clock) {
    this.source = source;
    this.ttl = ttl;
    this.clock = clock;
  }

  /** A catalog that never fetches: the given definitions forever (tests, benchmarks, offline). */
  public static NodeCatalog fixed(NodeDefinitions definitions) {
    NodeCatalog catalog =
        new NodeCatalog(
            () -> {
              throw new IllegalStateException("a fixed catalog does not fetch");
            },
            Duration.ofDays(365_000),
            Clock.systemUTC());
    catalog.loaded = new Loaded(definitions, Instant.MAX);
    return catalog;
  }

  /**
   * The current definitions, fetched when never loaded or older than the time-to-live.
   *
   * @throws dev.comfyagent.runtime.comfy.ComfyUiException when a fetch is needed and fails
   */
  public NodeDefinitions definitions() {
    Loaded current = loaded;
    if (current != null && !isStale(current)) {
      return current.definitions();
    }
    return fetch().definitions();
  }

  /**
   * The definitions if they can be had: fetched when needed, else the stale copy, else empty
   * (ComfyUI never reached).
   */
  public Optional<NodeDefinitions> tryDefinitions() {
    try {
      return Optional.of(definitions());
    } catch (RuntimeException e) {
      return cached();
    }
  }

  /** The definitions held now, however old, without asking ComfyUI. */
  public Optional<NodeDefinitions> cached() {
    Loaded current = loaded;
    return current == null ? Optional.empty() : Optional.of(current.definitions());
  }

  /** Fetches now, whatever the age of the cache; a fixed catalog keeps its definitions. */
  public NodeDefinitions refresh() {
    Loaded current = loaded;
    if (current != null && current.at() == Instant.MAX) {
      return current.definitions();
    }
    return fetch().definitions();
  }

  /** When the held definitions were fetched, if ever. */
  public Optional<Instant> fetchedAt() {
    Loaded current = loaded;
    return current == null ? Optional.empty() : Optional.of(current.at());
  }

  /** Number of node types held now (0 before the first fetch). */
  public int size() {
    Loaded current = loaded;
    return current == null ? 0 : current.definitions().size();
  }

  private boolean isStale(Loaded current) {
    return current.at() != Instant.MAX && clock.instant().isAfter(current.at().plus(ttl));
  }

  private Loaded fetch() {
    Loaded fresh = new Loaded(NodeDefinitions.parse(source.fetchObjectInfo()), clock.instant());
    loaded = fresh;
    return fresh;
  }

  private record Loaded(NodeDefinitions definitions, Instant at) {}
}
