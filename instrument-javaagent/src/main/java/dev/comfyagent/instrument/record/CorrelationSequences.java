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
 * <p><b>Assumptions and guarantees.</b>
 *
 * <ul>
 *   <li>Any thread may ask for a counter; threads asking for the same id get the same counter while
 *       it is kept, so the calls of one id take distinct, increasing {@code seq} numbers.
 *   <li>Forgetting is not coordinated with lookups: a counter handed out just before its id is
 *       forgotten keeps counting for its holder while a later call of that id starts again at 1.
 *       {@code seq} is unique per id only within the bound; clients that reuse ids past it get
 *       repeated numbers, never an error.
 *   <li>Past {@code maxTracked}, about half the kept ids are dropped (in map order, not the
 *       oldest): the map never holds much more than {@code maxTracked} counters.
 * </ul>
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
