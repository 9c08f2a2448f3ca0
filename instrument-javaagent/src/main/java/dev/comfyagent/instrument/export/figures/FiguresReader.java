package dev.comfyagent.instrument.export.figures;

import dev.comfyagent.instrument.record.AgentHealth;
import dev.comfyagent.instrument.record.AgentStats;
import dev.comfyagent.instrument.record.CircuitBreakerBoard;
import dev.comfyagent.instrument.record.RateLimiterBoard;
import dev.comfyagent.instrument.record.ToolStats;
import dev.comfyagent.instrument.record.ToolStatsRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the {@link Figures} that a scrape or an OTLP export sends, on the exporter's thread. It
 * takes each tool's lock only (never one that a tool call takes: calls record into HdrHistogram
 * {@code Recorder}s and {@code LongAdder}s, which a reader never blocks), and reads the hooks'
 * sections the way {@code get_agent_stats} does.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * FiguresReader reader = new FiguresReader(sources, exportHealth);
 * Figures now = reader.read();
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class FiguresReader {

  private final ExportSources sources;
  private final ExportHealth exportHealth;
  private final long[] boundsMicros = DurationBuckets.boundsMicros();

  /**
   * @param sources the agent's figures
   * @param exportHealth the exporters' own counters, part of the agent's health
   */
  public FiguresReader(ExportSources sources, ExportHealth exportHealth) {
    this.sources = sources;
    this.exportHealth = exportHealth;
  }

  /** The identity and figures to send. */
  public ExportSources sources() {
    return sources;
  }

  /** All figures, now. */
  public Figures read() {
    long now = System.currentTimeMillis();
    ToolStatsRegistry registry = sources.tools();
    List<Figures.Tool> tools = new ArrayList<>();
    for (ToolStats stats : registry.all()) {
      long[] cumulative = new long[boundsMicros.length];
      ToolStats.Cumulative c = stats.cumulative(boundsMicros, cumulative);
      tools.add(
          new Figures.Tool(
              stats.name(),
              c.ok(),
              c.err(),
              c.timed(),
              c.sumMicros() / 1e6,
              cumulative,
              c.minMicros() / 1e6,
              c.maxMicros() / 1e6));
    }
    AgentStats stats = sources.stats();
    List<Figures.Breaker> breakers = new ArrayList<>();
    for (CircuitBreakerBoard.BreakerFigures b : stats.circuitBreakers().values()) {
      breakers.add(new Figures.Breaker(b.name(), b.state(), b.transitions()));
    }
    List<Figures.Limiter> limiters = new ArrayList<>();
    for (RateLimiterBoard.LimiterFigures l : stats.rateLimiters().values()) {
      limiters.add(new Figures.Limiter(l.name(), l.permitted(), l.rejected()));
    }
    Map<String, Map<String, ?>> sections = stats.sections();
    AgentHealth health = stats.health();
    return new Figures(
        now,
        sources.identity().startEpochMillis(),
        tools,
        breakers,
        limiters,
        stats.activeSessions().orElse(-1),
        memory(sections.get("memory")),
        gpu(sections.get("gpu")),
        new Figures.Health(
            health.classesInstrumented(),
            health.instrumentationFailures(),
            stats.traceLinesWritten(),
            stats.traceLinesDropped(),
            health.internalErrors(),
            health.toolCallsObservable(),
            registry.folded(),
            registry.size(),
            registry.maxTools(),
            exportHealth.spansExported(),
            exportHealth.spansDropped(),
            exportHealth.traceRequestsFailed() + exportHealth.metricRequestsFailed()));
  }

  /** The memory probes' section ({@code hooks.probe.MemoryProbes}), or null when absent. */
  static Figures.Memory memory(Map<String, ?> section) {
    if (section == null || !section.containsKey("heap_used_bytes")) {
      return null;
    }
    List<Figures.Probe> probes = new ArrayList<>();
    if (section.get("probes") instanceof Map<?, ?> all) {
      for (Map.Entry<?, ?> entry : all.entrySet()) {
        if (entry.getValue() instanceof Map<?, ?> probe && entry.getKey() instanceof String name) {
          probes.add(
              new Figures.Probe(name, number(probe.get("value")), number(probe.get("instances"))));
        }
      }
    }
    return new Figures.Memory(
        number(section.get("heap_used_bytes")), number(section.get("heap_max_bytes")), probes);
  }

  /** The GPU section's last reading ({@code hooks.gpu.GpuSection}), or null when there is none. */
  static Figures.Gpu gpu(Map<String, ?> section) {
    if (section == null || !(section.get("last") instanceof Map<?, ?> last)) {
      return null;
    }
    if (!(last.get("gpu") instanceof Number index)) {
      return null;
    }
    Object percent = last.get("utilization_pct");
    return new Figures.Gpu(
        Long.toString(index.longValue()),
        last.get("name") instanceof String name ? name : null,
        percent instanceof Number p ? p.doubleValue() / 100.0 : -1,
        number(last.get("vram_used_bytes")),
        number(last.get("vram_total_bytes")));
  }

  private static long number(Object value) {
    return value instanceof Number n ? n.longValue() : -1;
  }
}
