package dev.comfyagent.instrument.record;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The {@link ToolStats} of every tool seen, keyed by name in a lock-free map. A lookup of a known
 * name allocates nothing; a new name creates its stats once.
 *
 * <p>Tool names can come from clients (an unknown tool is still a call), so the number of names is
 * bounded: past {@code maxTools}, calls are counted under {@value #OVERFLOW}, and each such call is
 * also counted as {@linkplain #folded() folded}, so that a full registry shows in the agent's
 * health rather than as one busy tool.
 *
 * <p><b>Assumptions and guarantees.</b>
 *
 * <ul>
 *   <li>{@link #forName} may be called from any thread, on the hot path: for a known name it is one
 *       lock-free map read and allocates nothing; a new name's stats are created once, whichever
 *       thread asks first (later callers get the same {@link ToolStats}).
 *   <li>The bound is checked before a new name is added, not atomically with it: threads adding new
 *       names at the same instant may take the registry past {@code maxTools} by their number,
 *       never further; every call is counted under some name.
 *   <li>{@link #all} is a copy, consistent per entry but not across entries (a tool first seen
 *       while it runs may be missing from it).
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class ToolStatsRegistry {

  /** The name under which calls of tools past the bound are counted. */
  public static final String OVERFLOW = "_other";

  /** The name used when a tool's name cannot be read. */
  public static final String UNKNOWN = "unknown";

  private final ConcurrentHashMap<String, ToolStats> byName = new ConcurrentHashMap<>();
  private final int maxTools;
  private final LongAdder folded = new LongAdder();

  /**
   * @param maxTools distinct names tracked before {@value #OVERFLOW} takes the rest
   */
  public ToolStatsRegistry(int maxTools) {
    this.maxTools = maxTools;
  }

  /** The stats of the tool called {@code name} ({@value #UNKNOWN} when {@code null}). */
  public ToolStats forName(String name) {
    String key = name == null ? UNKNOWN : name;
    ToolStats stats = byName.get(key);
    if (stats != null) {
      return stats;
    }
    if (byName.size() >= maxTools) {
      key = OVERFLOW;
      folded.increment();
    }
    return byName.computeIfAbsent(key, ToolStats::new);
  }

  /** Calls of tools past the bound, counted under {@value #OVERFLOW}, since start. */
  public long folded() {
    return folded.sum();
  }

  /** Distinct names tracked now, {@value #OVERFLOW} included. */
  public int size() {
    return byName.size();
  }

  /** The bound on distinct names ({@code metrics.tools.max}). */
  public int maxTools() {
    return maxTools;
  }

  /** The stats of {@code name}, without creating them. */
  public java.util.Optional<ToolStats> find(String name) {
    return java.util.Optional.ofNullable(name == null ? null : byName.get(name));
  }

  /** Every tool's stats, by name. */
  public List<ToolStats> all() {
    List<ToolStats> all = new ArrayList<>(byName.values());
    all.sort(Comparator.comparing(ToolStats::name));
    return all;
  }
}
