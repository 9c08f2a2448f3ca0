package dev.comfyagent.runtime.discover;

import dev.comfyagent.runtime.comfy.ComfyUiException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * NodeCatalog.Lookup l = catalog.lookup();     // never throws: live, else the last copy, else none
 * l.note();                                    // why it is not live, and from when the copy is
 * }</pre>
 *
 * <p>When a refresh fails, the previous definitions are kept and the failure is thrown. Every
 * caller that can work without a live catalog goes through {@link #lookup()}, the one fallback
 * rule: the live definitions, else the copy ComfyUI sent last (saying from when), else none (saying
 * why). A failure that is not an outage (a defect, such as an answer that cannot be parsed) is
 * logged with the call's correlation id rather than read as "ComfyUI is down". {@link #size()} is
 * part of the contract with the instrument-javaagent's memory probe profile.
 *
 * <p>Thread-safe: readers see one whole snapshot; readers that find it stale while another one
 * fetches wait for that fetch rather than ask ComfyUI again (the background preparation at start
 * and a first search could otherwise both ask for the same {@code /object_info}).
 */
public final class NodeCatalog {

  private static final Logger log = LoggerFactory.getLogger(NodeCatalog.class);

  private final ObjectInfoSource source;
  private final Duration ttl;
  private final Clock clock;

  private volatile Loaded loaded;

  /** Held while asking ComfyUI, so that one fetch serves every reader waiting for it. */
  private final Object fetching = new Object();

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
    synchronized (fetching) {
      current = loaded;
      if (current != null && !isStale(current)) {
        return current.definitions(); // fetched while this thread waited
      }
      return fetch().definitions();
    }
  }

  /**
   * The definitions if they can be had: fetched when needed, else the stale copy, else empty
   * (ComfyUI never reached).
   */
  public Optional<NodeDefinitions> tryDefinitions() {
    return lookup().definitions();
  }

  /** {@link #lookup(boolean) lookup(false)}. */
  public Lookup lookup() {
    return lookup(false);
  }

  /**
   * The catalog to check against now, never throwing: the live definitions (fetched when older than
   * the time-to-live, or now when {@code refresh}), else the copy ComfyUI sent last, else none;
   * with the reason when they are not live.
   */
  public Lookup lookup(boolean refresh) {
    try {
      NodeDefinitions live = refresh ? refresh() : definitions();
      return new Lookup(Optional.of(live), fetchedAt().filter(at -> at != Instant.MAX), null);
    } catch (ComfyUiException e) {
      return fallback(e.getMessage());
    } catch (RuntimeException e) {
      // Not an outage but a defect (an /object_info this runtime cannot parse, a bug): it must
      // not pass for "ComfyUI is down" unseen. The log line carries the call's correlation id.
      log.warn(
          "could not read ComfyUI's node catalog, answering with {}",
          cached().isPresent() ? "the copy fetched at " + fetchedAt().orElseThrow() : "none",
          e);
      return fallback("ComfyUI's node catalog could not be read (" + e + ")");
    }
  }

  private Lookup fallback(String problem) {
    Optional<NodeDefinitions> copy = cached();
    return new Lookup(copy, copy.isPresent() ? fetchedAt() : Optional.empty(), problem);
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
    synchronized (fetching) {
      return fetch().definitions();
    }
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

  /**
   * What {@link #lookup()} found.
   *
   * @param definitions the definitions to check against, empty when ComfyUI was never reached
   * @param fetchedAt when they were fetched (empty for a fixed catalog, or when there are none)
   * @param problem why they are not the live catalog, or {@code null} when they are
   */
  public record Lookup(
      Optional<NodeDefinitions> definitions, Optional<Instant> fetchedAt, String problem) {

    /** Whether the definitions are the live catalog (fetched within the time-to-live). */
    public boolean live() {
      return problem == null;
    }

    /**
     * Whether the definitions are an older copy, kept because the live catalog could not be had.
     */
    public boolean stale() {
      return problem != null && definitions.isPresent();
    }

    /**
     * What was checked against, for a sentence: {@code ComfyUI's node catalog}, {@code the node
     * catalog ComfyUI sent at 2026-01-01T00:00:00Z}, or {@code no node catalog}.
     */
    public String source() {
      if (definitions.isEmpty()) {
        return "no node catalog";
      }
      return live()
          ? "ComfyUI's node catalog"
          : "the node catalog ComfyUI sent at " + fetchedAt.map(Instant::toString).orElse("start");
    }

    /**
     * Why the answer is not from the live catalog and what it used instead, for a note; empty when
     * it is live.
     */
    public Optional<String> note() {
      if (live()) {
        return Optional.empty();
      }
      return Optional.of(
          stale() ? problem + "; used " + source() : problem + "; no node catalog was ever read");
    }
  }
}
