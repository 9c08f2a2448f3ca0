package dev.comfyagent.instrument.record;

import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Hands a value from one thread to another, keyed by the identity of an object both see (the SDK's
 * {@code CallToolRequest}, built on the transport thread and run on a worker). Keys are held
 * weakly, so a value whose taker never comes is forgotten with its key; the number of entries is
 * also bounded.
 *
 * <p><b>Assumptions and guarantees.</b>
 *
 * <ul>
 *   <li>One thread puts and another takes, for the same key object (compared by identity, never by
 *       {@code equals} or {@code hashCode}); any number of such pairs may run at once.
 *   <li>A value is taken at most once: of two threads taking the same key, one gets it and the
 *       other {@code null}. A put for a key that already holds a value replaces it.
 *   <li>The handoff never keeps a key alive, and holds at most {@link #capacity()} values: a key
 *       may wait in one of {@value #PROBES} neighbouring places chosen by its identity hash. A put
 *       takes the first of them that is free or whose key was collected; when all hold live keys,
 *       it replaces the first, whose taker then gets {@code null} (the call is observed without
 *       what the value carried). So a flood of puts whose takers never come cannot grow memory, and
 *       a value is lost only when more than {@value #PROBES} keys wait at once on the same places
 *       (with eight calls in flight among 1,024 places, about four puts in a billion).
 *   <li>{@link #take} allocates nothing; {@link #put} makes one small entry. Neither locks.
 * </ul>
 *
 * <p>Why not a {@code ConcurrentHashMap} of weak keys: the two threads run on different cores, so
 * every map operation missed the cache on the other thread's last writes (the bin, the node, the
 * shared size counter, a reference queue) and took a lookup key; here one array element and one
 * entry cross between them.
 *
 * <p>Thread-safe.
 *
 * @param <V> the value type
 */
final class WeakIdentityHandoff<V> {

  /** How many neighbouring places a key may wait in. */
  static final int PROBES = 4;

  private final AtomicReferenceArray<Entry<V>> entries;
  private final int mask;

  /**
   * @param capacity values held at most, rounded up to a power of two of at least {@value #PROBES}
   */
  WeakIdentityHandoff(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("handoff capacity must be at least 1: " + capacity);
    }
    int size = Math.max(PROBES, Integer.highestOneBit(capacity - 1) << 1);
    this.entries = new AtomicReferenceArray<>(size);
    this.mask = size - 1;
  }

  /** Leaves {@code value} for whoever takes {@code key}. */
  void put(Object key, V value) {
    Entry<V> entry = new Entry<>(key, value);
    int first = System.identityHashCode(key) & mask;
    while (true) {
      int free = -1;
      Entry<V> freed = null;
      int same = -1;
      Entry<V> replaced = null;
      for (int i = 0; i < PROBES; i++) {
        int at = (first + i) & mask;
        Entry<V> there = entries.get(at);
        Object waiting = there == null ? null : there.get();
        if (waiting == key) {
          same = at;
          replaced = there;
          break;
        }
        if (waiting == null && free < 0) {
          free = at;
          freed = there;
        }
      }
      if (same >= 0) {
        if (entries.compareAndSet(same, replaced, entry)) {
          return;
        }
      } else if (free >= 0) {
        if (entries.compareAndSet(free, freed, entry)) {
          return;
        }
      } else {
        // Every place holds a live key: the first one's value is dropped.
        entries.set(first, entry);
        return;
      }
      // Another thread changed that place meanwhile: look again.
    }
  }

  /** Takes the value left for {@code key}, or null. */
  V take(Object key) {
    int first = System.identityHashCode(key) & mask;
    for (int i = 0; i < PROBES; i++) {
      int at = (first + i) & mask;
      Entry<V> there = entries.get(at);
      if (there != null && there.get() == key) {
        return entries.compareAndSet(at, there, null) ? there.value : null;
      }
    }
    return null;
  }

  /** Values waiting for a live key now. */
  int size() {
    int waiting = 0;
    for (int i = 0; i < entries.length(); i++) {
      Entry<V> there = entries.get(i);
      if (there != null && there.get() != null) {
        waiting++;
      }
    }
    return waiting;
  }

  /** Values held at most. */
  int capacity() {
    return entries.length();
  }

  /** A value and its key, held weakly. */
  private static final class Entry<V> extends WeakReference<Object> {
    final V value;

    Entry(Object key, V value) {
      super(key);
      this.value = value;
    }
  }
}
