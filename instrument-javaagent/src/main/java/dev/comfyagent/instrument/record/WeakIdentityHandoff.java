package dev.comfyagent.instrument.record;

import java.lang.ref.ReferenceQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands a value from one thread to another, keyed by the identity of an object both see (the SDK's
 * {@code CallToolRequest}, built on the transport thread and run on a worker). Keys are held
 * weakly, so a value whose taker never comes is forgotten with its key; the number of entries is
 * also bounded.
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
