package dev.comfyagent.instrument.record;

import java.lang.ref.WeakReference;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;

/**
 * Active sessions: those of the runtime's session registries, read live from the registries (held
 * weakly) with their {@code size()}, plus the peak seen at any open or close since the previous
 * metrics line. On a server without such a registry (any MCP server but agent-runtime) the MCP SDK
 * transports' own sessions are counted instead: one for stdio, the session map's size for the HTTP
 * transports, read live at each line (their opens and closes between lines are not seen). On
 * agent-runtime the runtime's editing sessions are what {@code sessions} means, so a registry, once
 * seen, hides the transport's one stdio session.
 *
 * <p>Thread-safe.
 */
public final class SessionGauge {

  private final CopyOnWriteArrayList<WeakReference<Object>> registries =
      new CopyOnWriteArrayList<>();
  private final CopyOnWriteArrayList<WeakReference<Object>> transports =
      new CopyOnWriteArrayList<>();
  private final AtomicInteger peakSinceLine = new AtomicInteger();
  private final ToIntFunction<Object> size;

  /**
   * @param size reads a registry's {@code size()} or a transport's session count, or -1 when it
   *     cannot
   */
  public SessionGauge(ToIntFunction<Object> size) {
    this.size = size;
  }

  /** A registry was constructed. */
  public void registryCreated(Object registry) {
    remember(registries, registry);
  }

  /** An MCP SDK server transport can now make sessions. */
  public void transportSeen(Object transport) {
    remember(transports, transport);
    peakSinceLine.accumulateAndGet(active(), Math::max);
  }

  // Looks and adds as one step: two threads first using the same registry (after a late attach)
  // would otherwise both add it, and its sessions would be counted twice. Rare, so a lock.
  private synchronized void remember(
      CopyOnWriteArrayList<WeakReference<Object>> sources, Object source) {
    sources.removeIf(ref -> ref.get() == null);
    for (WeakReference<Object> ref : sources) {
      if (ref.get() == source) {
        return;
      }
    }
    sources.add(new WeakReference<>(source));
  }

  /**
   * A session may have been opened or closed in {@code registry}. The common case, the one registry
   * there is, reads its size once and writes nothing unless the peak rose.
   */
  public void changed(Object registry) {
    int now = size.applyAsInt(registry);
    if (now < 0) {
      return;
    }
    // One pass over one snapshot of the list: a registry constructed meanwhile may shrink it (dead
    // references are dropped), so a size() then get(0) could miss.
    int seen = 0;
    boolean known = false;
    for (WeakReference<Object> ref : registries) {
      seen++;
      known |= ref.get() == registry;
    }
    if (!known) {
      registryCreated(registry);
    }
    raisePeak(known && seen == 1 ? now : active());
  }

  /**
   * {@code registry} was used: made known if it is not (one built before a late attach), with its
   * sessions counted then; otherwise nothing is read. Called on nearly every tool call.
   */
  public void used(Object registry) {
    for (WeakReference<Object> ref : registries) {
      if (ref.get() == registry) {
        return;
      }
    }
    registryCreated(registry);
    raisePeak(active());
  }

  /**
   * Raises the peak to {@code total}; writes only when it rose (the common case writes nothing).
   */
  private void raisePeak(int total) {
    if (total > peakSinceLine.get()) {
      peakSinceLine.accumulateAndGet(total, Math::max);
    }
  }

  /**
   * Sessions open now, over all live registries (over the SDK transports when no registry was
   * seen); 0 when there is none.
   */
  public int active() {
    int total = 0;
    for (WeakReference<Object> ref : registries.isEmpty() ? transports : registries) {
      Object registry = ref.get();
      if (registry != null) {
        total += Math.max(0, size.applyAsInt(registry));
      }
    }
    return total;
  }

  /** Whether any registry or SDK transport was seen. */
  public boolean observed() {
    return !registries.isEmpty() || !transports.isEmpty();
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
