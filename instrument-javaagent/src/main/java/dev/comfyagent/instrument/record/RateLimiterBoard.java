package dev.comfyagent.instrument.record;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Permissions granted and refused by the host's Resilience4j rate limiters, by name, since start
 * and since the previous metrics line.
 *
 * <p>Thread-safe.
 */
public final class RateLimiterBoard {

  /**
   * A limiter's counts over a span of time.
   *
   * @param name the limiter's name
   * @param permitted permissions granted
   * @param rejected permissions refused
   */
  public record LimiterFigures(String name, long permitted, long rejected) {}

  private final ConcurrentHashMap<String, Limiter> byName = new ConcurrentHashMap<>();

  /** A limiter was constructed. */
  public void created(String name) {
    limiter(name);
  }

  /** A limiter granted or refused a permission. */
  public void permission(String name, boolean permitted) {
    Limiter limiter = limiter(name);
    if (permitted) {
      limiter.permitted.increment();
    } else {
      limiter.rejected.increment();
    }
  }

  /** Counts since the previous call of this method with {@code startNewLine}. */
  public synchronized Map<String, LimiterFigures> sinceLastLine(boolean startNewLine) {
    Map<String, LimiterFigures> figures = new TreeMap<>();
    byName.forEach(
        (name, limiter) -> {
          long permitted = limiter.permitted.sum();
          long rejected = limiter.rejected.sum();
          figures.put(
              name,
              new LimiterFigures(
                  name, permitted - limiter.permittedAtLine, rejected - limiter.rejectedAtLine));
          if (startNewLine) {
            limiter.permittedAtLine = permitted;
            limiter.rejectedAtLine = rejected;
          }
        });
    return figures;
  }

  /** Counts since start. */
  public Map<String, LimiterFigures> total() {
    Map<String, LimiterFigures> figures = new TreeMap<>();
    byName.forEach(
        (name, limiter) ->
            figures.put(
                name, new LimiterFigures(name, limiter.permitted.sum(), limiter.rejected.sum())));
    return figures;
  }

  private Limiter limiter(String name) {
    return byName.computeIfAbsent(name == null ? "unnamed" : name, k -> new Limiter());
  }

  private static final class Limiter {
    final LongAdder permitted = new LongAdder();
    final LongAdder rejected = new LongAdder();
    long permittedAtLine;
    long rejectedAtLine;
  }
}
