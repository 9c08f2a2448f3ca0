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

  /**
   * A key compared by the identity of the object it stands for; the stored form holds it weakly,
   * the lookup form strongly (for the duration of one {@code remove}).
   */
  private interface IdentityKey {
    Object referent();

    static boolean same(IdentityKey self, Object other) {
      if (other == self) {
        return true;
      }
      Object mine = self.referent();
      return mine != null && other instanceof IdentityKey key && key.referent() == mine;
    }
  }

  private static final class WeakKey extends WeakReference<Object> implements IdentityKey {
    private final int hash;

    WeakKey(Object referent, ReferenceQueue<Object> queue) {
      super(referent, queue);
      this.hash = System.identityHashCode(referent);
    }

    @Override
    public Object referent() {
      return get();
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object other) {
      return IdentityKey.same(this, other);
    }
  }

  private static final class LookupKey implements IdentityKey {
    private final Object referent;

    LookupKey(Object referent) {
      this.referent = referent;
    }

    @Override
    public Object referent() {
      return referent;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(referent);
    }

    @Override
    public boolean equals(Object other) {
      return IdentityKey.same(this, other);
    }
  }
}
