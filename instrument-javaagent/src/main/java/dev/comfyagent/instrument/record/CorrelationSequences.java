package dev.comfyagent.instrument.record;

import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code seq} counters that order the tool calls sharing a correlation id: every call, nested
 * or not, takes the next number of its id's counter when it starts.
 *
 * <p>Ids chosen by clients can recur across calls, so their counters are kept, up to {@code
 * maxTracked}; past that, about half are forgotten and a forgotten id starts again at 1. Ids the
 * agent generates are unique, so their counters are never stored.
 *
 * <p>Thread-safe.
 */
public final class CorrelationSequences {

  private final ConcurrentHashMap<String, AtomicInteger> byId = new ConcurrentHashMap<>();
  private final int maxTracked;

  /**
   * @param maxTracked client-chosen ids whose counters are kept
   */
  public CorrelationSequences(int maxTracked) {
    this.maxTracked = maxTracked;
  }

  /** The shared counter of a client-chosen id. */
  public AtomicInteger forId(String id) {
    AtomicInteger counter = byId.get(id);
    if (counter != null) {
      return counter;
    }
    if (byId.size() >= maxTracked) {
      forgetHalf();
    }
    return byId.computeIfAbsent(id, k -> new AtomicInteger());
  }

  /** A counter for an id nobody else holds (one the agent generated). */
  public static AtomicInteger fresh() {
    return new AtomicInteger();
  }

  /** Counters currently kept. */
  public int tracked() {
    return byId.size();
  }

  private void forgetHalf() {
    Iterator<String> ids = byId.keySet().iterator();
    int drop = Math.max(1, byId.size() / 2);
    while (drop-- > 0 && ids.hasNext()) {
      ids.next();
      ids.remove();
    }
  }
}
