package dev.comfyagent.instrument.record;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
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

  private final ConcurrentHashMap<Object, V> values = new ConcurrentHashMap<>();
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
    values.put(new WeakKey(key, collected), value);
  }

  /** Takes the value left for {@code key}, or null. */
  V take(Object key) {
    if (values.isEmpty()) {
      return null;
    }
    return values.remove(new LookupKey(key));
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

  private static final class WeakKey extends WeakReference<Object> {
    private final int hash;

    WeakKey(Object referent, ReferenceQueue<Object> queue) {
      super(referent, queue);
      this.hash = System.identityHashCode(referent);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object other) {
      if (other == this) {
        return true;
      }
      Object mine = get();
      if (mine == null) {
        return false;
      }
      if (other instanceof LookupKey lookup) {
        return lookup.referent == mine;
      }
      return other instanceof WeakKey weak && weak.get() == mine;
    }
  }

  private static final class LookupKey {
    private final Object referent;

    LookupKey(Object referent) {
      this.referent = referent;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(referent);
    }

    @Override
    public boolean equals(Object other) {
      return other == this
          || (other instanceof WeakKey weak && weak.get() == referent)
          || (other instanceof LookupKey lookup && lookup.referent == referent);
    }
  }
}
