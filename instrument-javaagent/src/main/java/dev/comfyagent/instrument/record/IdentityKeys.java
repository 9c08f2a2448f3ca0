package dev.comfyagent.instrument.record;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;

/**
 * Map keys that stand for one object and compare by its identity, never calling the object's own
 * {@code equals} or {@code hashCode} (host code the agent must not run, and which may change while
 * the object lives). The stored form holds the object weakly and is enqueued when the object is
 * collected; the lookup form holds it strongly, for the duration of one lookup. The two forms of
 * the same object are equal.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * ReferenceQueue<Object> collected = new ReferenceQueue<>();
 * map.put(IdentityKeys.weak(request, collected), value);
 * V value = map.remove(IdentityKeys.lookup(request));
 * for (Object stale; (stale = collected.poll()) != null; ) map.remove(stale); // forget the collected
 * }</pre>
 *
 * <p>Immutable and thread-safe; a stored key's hash is the object's identity hash, kept after the
 * object is cleared so that the key can still be removed.
 */
public final class IdentityKeys {

  private IdentityKeys() {}

  /** A key standing for one object. */
  public interface Key {
    /** The object, or {@code null} once a weakly held one was collected. */
    Object referent();
  }

  /** The stored form: {@code referent} held weakly, enqueued on {@code queue} when collected. */
  public static Key weak(Object referent, ReferenceQueue<Object> queue) {
    return new Weak(referent, queue);
  }

  /** The lookup form: {@code referent} held strongly. */
  public static Key lookup(Object referent) {
    return new Lookup(referent);
  }

  private static boolean same(Key self, Object other) {
    if (other == self) {
      return true;
    }
    Object mine = self.referent();
    return mine != null && other instanceof Key key && key.referent() == mine;
  }

  private static final class Weak extends WeakReference<Object> implements Key {
    private final int hash;

    Weak(Object referent, ReferenceQueue<Object> queue) {
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
      return same(this, other);
    }
  }

  private static final class Lookup implements Key {
    private final Object referent;

    Lookup(Object referent) {
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
      return same(this, other);
    }
  }
}
