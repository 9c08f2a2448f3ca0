package dev.comfyagent.instrument.record;

import java.lang.ref.WeakReference;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;

/**
 * Active sessions of the runtime's session registries: read live from the registries (held weakly)
 * with their {@code size()}, plus the peak seen at any open or close since the previous metrics
 * line.
 *
 * <p>Thread-safe.
 */
public final class SessionGauge {

  private final CopyOnWriteArrayList<WeakReference<Object>> registries =
      new CopyOnWriteArrayList<>();
  private final AtomicInteger peakSinceLine = new AtomicInteger();
  private final ToIntFunction<Object> size;

  /**
   * @param size reads a registry's {@code size()}, or -1 when it cannot
   */
  public SessionGauge(ToIntFunction<Object> size) {
    this.size = size;
  }

  /** A registry was constructed. */
  public void registryCreated(Object registry) {
    registries.removeIf(ref -> ref.get() == null);
    for (WeakReference<Object> ref : registries) {
      if (ref.get() == registry) {
        return;
      }
    }
    registries.add(new WeakReference<>(registry));
  }

  /** A session was opened or closed in {@code registry}. */
  public void changed(Object registry) {
    int now = size.applyAsInt(registry);
    if (now < 0) {
      return;
    }
    boolean known = false;
    for (WeakReference<Object> ref : registries) {
      known |= ref.get() == registry;
    }
    if (!known) {
      registryCreated(registry);
    }
    peakSinceLine.accumulateAndGet(active(), Math::max);
  }

  /** Sessions open now, over all live registries; 0 when there is none. */
  public int active() {
    int total = 0;
    for (WeakReference<Object> ref : registries) {
      Object registry = ref.get();
      if (registry != null) {
        total += Math.max(0, size.applyAsInt(registry));
      }
    }
    return total;
  }

  /** Whether any registry was seen. */
  public boolean observed() {
    return !registries.isEmpty();
  }

  /** The highest count seen since the previous call with {@code startNewLine}. */
  public int peakSinceLastLine(boolean startNewLine) {
    int active = active();
    int peak = Math.max(active, peakSinceLine.get());
    if (startNewLine) {
      peakSinceLine.set(active);
    }
    return peak;
  }
}
