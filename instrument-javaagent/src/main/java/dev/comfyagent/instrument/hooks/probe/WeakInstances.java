package dev.comfyagent.instrument.hooks.probe;

import dev.comfyagent.instrument.record.IdentityKeys;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A set of instances compared by identity and held weakly: the set never keeps an instance alive,
 * and never calls the instances' own {@code equals} or {@code hashCode} (host code the agent must
 * not run, and which may change while the instance lives). Collected instances leave the set when
 * the garbage collector clears them.
 *
 * <p>Bounded: past {@code capacity} live instances, further ones are not added (and {@link
 * #overflowed()} says so), so a probe aimed at a class with millions of instances cannot grow the
 * agent without end.
 *
 * <p>Thread-safe. {@link #add} is cheap for an instance added just before (the common case of one
 * cache instance seen at every method call after a late attach).
 */
final class WeakInstances {

  private final ConcurrentHashMap<IdentityKeys.Key, Boolean> instances = new ConcurrentHashMap<>();
  private final ReferenceQueue<Object> collected = new ReferenceQueue<>();
  private final int capacity;
  private final AtomicBoolean overflowed = new AtomicBoolean();
  private volatile WeakReference<Object> last = new WeakReference<>(null);

  WeakInstances(int capacity) {
    this.capacity = capacity;
  }

  /**
   * Adds {@code instance} if it is not in the set.
   *
   * @return whether it was added
   */
  boolean add(Object instance) {
    if (last.get() == instance) {
      return false;
    }
    expunge();
    if (instances.containsKey(IdentityKeys.lookup(instance))) {
      last = new WeakReference<>(instance);
      return false;
    }
    if (instances.size() >= capacity) {
      overflowed.set(true);
      return false;
    }
    boolean added =
        instances.putIfAbsent(IdentityKeys.weak(instance, collected), Boolean.TRUE) == null;
    last = new WeakReference<>(instance);
    return added;
  }

  /** The instances not collected yet, as strong references for the caller's use only. */
  List<Object> live() {
    expunge();
    List<Object> live = new ArrayList<>(instances.size());
    for (IdentityKeys.Key key : instances.keySet()) {
      Object instance = key.referent();
      if (instance != null) {
        live.add(instance);
      }
    }
    return live;
  }

  /** Whether an instance was ever refused because the set was full. */
  boolean overflowed() {
    return overflowed.get();
  }

  private void expunge() {
    Object stale;
    while ((stale = collected.poll()) != null) {
      instances.remove(stale);
    }
  }
}
