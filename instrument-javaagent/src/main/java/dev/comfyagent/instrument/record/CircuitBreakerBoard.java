package dev.comfyagent.instrument.record;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * The Resilience4j circuit breakers of the host, by name: each one's current state and its
 * transitions ({@code from}, {@code to}, when).
 *
 * <p>Instances are held weakly; a breaker's current state is read live from the instance when it is
 * still alive, else the last state seen is reported. Transitions since the last metrics line are
 * kept up to {@value #MAX_PENDING}; more are counted but not listed.
 *
 * <p>Thread-safe.
 */
public final class CircuitBreakerBoard {

  static final int MAX_PENDING = 1000;

  /**
   * One state change.
   *
   * @param breaker the breaker's name
   * @param from the state before
   * @param to the state after
   * @param epochMillis when it happened
   */
  public record Transition(String breaker, String from, String to, long epochMillis) {}

  /**
   * A breaker's figures.
   *
   * @param name the breaker's name
   * @param state its current state ({@code CLOSED}, {@code OPEN}, {@code HALF_OPEN}, ...)
   * @param transitions transitions since start
   */
  public record BreakerFigures(String name, String state, long transitions) {}

  private final ConcurrentHashMap<String, Breaker> byName = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Transition> pending = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pendingCount = new AtomicInteger();
  private final LongAdder unlisted = new LongAdder();

  /** A breaker was constructed; {@code state} is its initial state when known. */
  public void created(String name, Object instance, String state) {
    Breaker breaker = byName.computeIfAbsent(key(name), k -> new Breaker());
    breaker.instance = new WeakReference<>(instance);
    if (state != null) {
      breaker.lastState = state;
    }
  }

  /** A breaker changed state. */
  public void transition(String name, Object instance, String from, String to, long epochMillis) {
    Breaker breaker = byName.computeIfAbsent(key(name), k -> new Breaker());
    if (breaker.instance.get() == null && instance != null) {
      breaker.instance = new WeakReference<>(instance);
    }
    breaker.lastState = to;
    breaker.transitions.increment();
    if (pendingCount.incrementAndGet() <= MAX_PENDING) {
      pending.add(new Transition(key(name), from, to, epochMillis));
    } else {
      pendingCount.decrementAndGet();
      unlisted.increment();
    }
  }

  /** The transitions since the previous call, oldest first; the list starts anew. */
  public List<Transition> drainTransitions() {
    List<Transition> drained = new ArrayList<>();
    Transition t;
    while ((t = pending.poll()) != null) {
      pendingCount.decrementAndGet();
      drained.add(t);
    }
    return drained;
  }

  /** Transitions that happened but were not listed because too many came in one interval. */
  public long unlistedTransitions() {
    return unlisted.sum();
  }

  /**
   * Every breaker's current figures, by name.
   *
   * @param liveState reads a live instance's state (null when it cannot)
   */
  public Map<String, BreakerFigures> current(Function<Object, String> liveState) {
    Map<String, BreakerFigures> figures = new TreeMap<>();
    byName.forEach(
        (name, breaker) -> {
          Object instance = breaker.instance.get();
          String state = instance == null ? null : liveState.apply(instance);
          if (state != null) {
            breaker.lastState = state;
          }
          figures.put(
              name,
              new BreakerFigures(
                  name,
                  breaker.lastState == null ? "UNKNOWN" : breaker.lastState,
                  breaker.transitions.sum()));
        });
    return figures;
  }

  private static String key(String name) {
    return name == null ? "unnamed" : name;
  }

  private static final class Breaker {
    volatile WeakReference<Object> instance = new WeakReference<>(null);
    volatile String lastState;
    final LongAdder transitions = new LongAdder();
  }
}
