package dev.comfyagent.instrument.export;

import dev.comfyagent.instrument.emit.ProcessIdentity;
import dev.comfyagent.instrument.export.figures.ExportHealth;
import dev.comfyagent.instrument.export.figures.ExportSources;
import dev.comfyagent.instrument.export.figures.FiguresReader;
import dev.comfyagent.instrument.host.MethodHandleHostReader;
import dev.comfyagent.instrument.record.AgentHealth;
import dev.comfyagent.instrument.record.AgentStats;
import dev.comfyagent.instrument.record.CircuitBreakerBoard;
import dev.comfyagent.instrument.record.RateLimiterBoard;
import dev.comfyagent.instrument.record.SessionGauge;
import dev.comfyagent.instrument.record.ToolStatsRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An agent's figures made by hand for the exporters' tests: tools with known latencies, a breaker,
 * a limiter, sessions, memory and GPU sections, with the real recorders behind them.
 */
public final class KnownFigures {

  public final ProcessIdentity identity =
      ProcessIdentity.of("studio \"a\"", "0.1.0", "render-07", 4242, 1_764_065_730_001L);
  public final ToolStatsRegistry tools;
  public final CircuitBreakerBoard breakers = new CircuitBreakerBoard();
  public final RateLimiterBoard limiters = new RateLimiterBoard();
  public final AgentHealth health = new AgentHealth(false);
  public final Map<String, Map<String, ?>> sections = new LinkedHashMap<>();
  public final ExportHealth exportHealth = new ExportHealth();
  public final FiguresReader reader;
  private final SessionGauge sessionGauge = new SessionGauge(registry -> this.sessions);
  private int sessions;

  public KnownFigures(int maxTools) {
    tools = new ToolStatsRegistry(maxTools);
    AgentStats stats =
        new AgentStats(
            System.nanoTime(),
            tools,
            breakers,
            limiters,
            sessionGauge,
            health,
            new MethodHandleHostReader(),
            () -> 11,
            () -> 2,
            () -> sections);
    reader = new FiguresReader(new ExportSources(identity, tools, stats), exportHealth);
  }

  /** Records calls of {@code tool} taking these microseconds; every {@code failEvery}th fails. */
  public KnownFigures calls(String tool, List<Long> micros, int failEvery) {
    for (int i = 0; i < micros.size(); i++) {
      tools.forName(tool).record(micros.get(i) * 1000, failEvery == 0 || (i + 1) % failEvery != 0);
    }
    return this;
  }

  /** A breaker in {@code state} after {@code transitions} changes. */
  public KnownFigures breaker(String name, String state, int transitions) {
    breakers.created(name, null, "CLOSED");
    for (int i = 0; i < transitions; i++) {
      breakers.transition(name, null, "CLOSED", state, 0);
    }
    return this;
  }

  /** A limiter that granted and refused so many permissions. */
  public KnownFigures limiter(String name, int permitted, int rejected) {
    for (int i = 0; i < permitted; i++) {
      limiters.permission(name, true);
    }
    for (int i = 0; i < rejected; i++) {
      limiters.permission(name, false);
    }
    return this;
  }

  /** A session registry holding {@code open} sessions. */
  public KnownFigures sessions(int open) {
    sessions = open;
    sessionGauge.registryCreated(this);
    return this;
  }

  /** Memory and GPU sections as the hooks write them. */
  public KnownFigures hooks() {
    sections.put(
        "memory",
        Map.of(
            "heap_used_bytes",
            35_179_224L,
            "heap_max_bytes",
            6_320_816_128L,
            "probes",
            Map.of("node_catalog", Map.of("value", 52, "instances", 1, "max", 52))));
    Map<String, Object> last = new LinkedHashMap<>();
    last.put("gpu", 0);
    last.put("name", "NVIDIA GeForce RTX 4090");
    last.put("utilization_pct", 37);
    last.put("vram_used_bytes", 2_189_426_688L);
    last.put("vram_total_bytes", 25_757_220_864L);
    Map<String, Object> gpu = new LinkedHashMap<>();
    gpu.put("mode", "auto");
    gpu.put("last", last);
    sections.put("gpu", gpu);
    return this;
  }
}
