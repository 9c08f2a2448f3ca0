package dev.comfyagent.instrument.record;

import java.lang.ref.ReferenceQueue;
import java.util.concurrent.ConcurrentHashMap;

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
 *       {@code equals}); any number of such pairs may run at once.
 *   <li>A value is taken at most once: of two threads taking the same key, one gets it and the
 *       other {@code null}. A put for a key that already holds a value replaces it.
 *   <li>The handoff never keeps a key alive: once the key is collected, its value goes at the next
 *       {@link #put}. At {@code maxEntries} values waiting, a put first drops all of them; the
 *       takers of those get {@code null} (the call is then observed without what the value
 *       carried), so a flood of puts whose takers never come cannot grow memory.
 *   <li>{@link #take} on an empty handoff allocates nothing.
 * </ul>
 *
 * <p>Thread-safe.
 *
 * @param <V> the value type
 */
final class WeakIdentityHandoff<V> {

  private final ConcurrentHashMap<IdentityKeys.Key, V> values = new ConcurrentHashMap<>();
  private final ReferenceQueue<Object> collected = new ReferenceQueue<>();
  private final int maxEntries;

  WeakIdentityHandoff(int maxEntries) {
    this.maxEntries = maxEntries;
  }

  /** Leaves {@code value} for whoever takes {@code key}. */
  void put(Object key, V value) {
    expunge();
    if (values.size() >= maxEntries) {
      values.clear();
    }
    values.put(IdentityKeys.weak(key, collected), value);
  }

  /** Takes the value left for {@code key}, or null. */
  V take(Object key) {
    if (values.isEmpty()) {
      return null;
    }
    return values.remove(IdentityKeys.lookup(key));
  }

  int size() {
    return values.size();
  }

  private void expunge() {
    Object stale;
    while ((stale = collected.poll()) != null) {
      values.remove(stale);
    }
  }
}
