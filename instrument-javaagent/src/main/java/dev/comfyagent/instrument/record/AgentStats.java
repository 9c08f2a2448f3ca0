package dev.comfyagent.instrument.record;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The agent's figures since start, readable at any moment without disturbing the metrics lines:
 * what the {@code get_agent_stats} tool reports.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * AgentStats stats = agent.stats();
 * for (ToolFigures tool : stats.tools()) { ... tool.calls(), tool.p95Ms() ... }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class AgentStats {

  private final long startNanos;
  private final ToolStatsRegistry tools;
  private final CircuitBreakerBoard breakers;
  private final RateLimiterBoard limiters;
  private final SessionGauge sessions;
  private final AgentHealth health;
  private final HostReader host;
  private final LongSupplier traceLinesWritten;
  private final LongSupplier traceLinesDropped;
  private final Supplier<Map<String, Map<String, ?>>> sections;

  /** What the figures are read from. */
  public AgentStats(
      long startNanos,
      ToolStatsRegistry tools,
      CircuitBreakerBoard breakers,
      RateLimiterBoard limiters,
      SessionGauge sessions,
      AgentHealth health,
      HostReader host,
      LongSupplier traceLinesWritten,
      LongSupplier traceLinesDropped,
      Supplier<Map<String, Map<String, ?>>> sections) {
    this.startNanos = startNanos;
    this.tools = tools;
    this.breakers = breakers;
    this.limiters = limiters;
    this.sessions = sessions;
    this.health = health;
    this.host = host;
    this.traceLinesWritten = traceLinesWritten;
    this.traceLinesDropped = traceLinesDropped;
    this.sections = sections;
  }

  /** Milliseconds since the agent started. */
  public long uptimeMillis() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  /** Every tool's figures since start, by name. */
  public List<ToolFigures> tools() {
    List<ToolFigures> figures = new ArrayList<>();
    for (ToolStats stats : tools.all()) {
      figures.add(stats.total());
    }
    return figures;
  }

  /**
   * Calls of tools past {@code metrics.tools.max} distinct names, counted under {@value
   * ToolStatsRegistry#OVERFLOW} since start; 0 while every name has its own figures.
   */
  public long toolCallsFolded() {
    return tools.folded();
  }

  /** The bound on distinct tool names with figures of their own ({@code metrics.tools.max}). */
  public int toolNamesMax() {
    return tools.maxTools();
  }

  /** One tool's figures since start, if it was called. */
  public Optional<ToolFigures> tool(String name) {
    return tools.find(name).map(ToolStats::total);
  }

  /** The circuit breakers' current state and transition counts, by name. */
  public Map<String, CircuitBreakerBoard.BreakerFigures> circuitBreakers() {
    return breakers.current(host::circuitBreakerState);
  }

  /** The rate limiters' permits and rejections since start, by name. */
  public Map<String, RateLimiterBoard.LimiterFigures> rateLimiters() {
    return limiters.total();
  }

  /** Sessions open now, when a session registry was seen. */
  public OptionalInt activeSessions() {
    return sessions.observed() ? OptionalInt.of(sessions.active()) : OptionalInt.empty();
  }

  /** The agent's own health counters. */
  public AgentHealth health() {
    return health;
  }

  /** Trace lines written since start. */
  public long traceLinesWritten() {
    return traceLinesWritten.getAsLong();
  }

  /** Trace lines dropped since start (queue full or write failed). */
  public long traceLinesDropped() {
    return traceLinesDropped.getAsLong();
  }

  /**
   * The hooks' sections of the metrics line ({@code memory}, {@code gpu}), read now for a stats
   * request (not for a metrics line): name to figures, in the order the hooks added them. A section
   * that fails is left out (and counted by the agent's health).
   */
  public Map<String, Map<String, ?>> sections() {
    return sections.get();
  }
}
