package dev.comfyagent.instrument.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the report takes from one metrics.jsonl line, read leniently: a section or field that a line
 * lacks (an older agent, a hook that is off) is simply absent.
 *
 * <p>Not thread-safe; built once per line.
 */
final class MetricsPoint {

  /** Calls, ok and errors of one tool in an interval or since start, with its percentiles. */
  record ToolCounts(
      long calls, long ok, long err, double p50, double p95, double p99, double max) {}

  /** A breaker's state change. */
  record Transition(String breaker, String from, String to, long atMillis) {}

  /** The GPU's last sample. */
  record Gpu(long atMillis, double utilizationPct, double vramUsedBytes, double vramTotalBytes) {}

  long tsMillis;
  long intervalMillis;
  boolean finalLine;
  String instance;
  String serviceName;
  String version;
  long pid;
  final Map<String, ToolCounts> intervalTools = new LinkedHashMap<>();
  final Map<String, ToolCounts> totalTools = new LinkedHashMap<>();
  final Map<String, long[]> intervalLimiters = new LinkedHashMap<>();
  final List<Transition> transitions = new ArrayList<>();
  final Map<String, String> breakerStates = new LinkedHashMap<>();
  double sessions = Double.NaN;
  double heapUsed = Double.NaN;
  double heapMax = Double.NaN;
  final Map<String, Double> probes = new LinkedHashMap<>();
  Gpu gpu;
  String gpuSource;
  final Map<String, Long> gpuErrors = new LinkedHashMap<>();
  final Map<String, Long> agent = new LinkedHashMap<>();

  /** When the interval of this line began. */
  long intervalStartMillis() {
    return tsMillis - intervalMillis;
  }

  /**
   * Reads a parsed line.
   *
   * @param legacyInstance the instance of a line without {@code service.instance.id}
   * @throws IllegalArgumentException when the line has no {@code ts}
   */
  static MetricsPoint of(Map<String, Object> line, String legacyInstance) {
    MetricsPoint p = new MetricsPoint();
    Object ts = line.get("ts");
    if (!(ts instanceof String text)) {
      throw new IllegalArgumentException("a metrics line needs ts");
    }
    p.tsMillis = Timestamps.parseMillis(text);
    p.intervalMillis = Math.max(0, (long) number(line.get("interval_ms"), 0));
    p.finalLine = "final".equals(line.get("type"));
    p.pid = (long) number(line.get("pid"), 0);
    Object instance = line.get("service.instance.id");
    p.instance = instance instanceof String s && !s.isBlank() ? s : legacyInstance + p.pid;
    p.serviceName = string(line.get("service.name"));
    p.version = string(line.get("telemetry.distro.version"));

    Map<String, Object> interval = map(line.get("interval"));
    tools(map(interval.get("tools")), p.intervalTools);
    tools(map(map(line.get("total")).get("tools")), p.totalTools);
    map(interval.get("rate_limiters"))
        .forEach(
            (name, value) -> {
              Map<String, Object> f = map(value);
              p.intervalLimiters.put(
                  name,
                  new long[] {
                    (long) number(f.get("permitted"), 0), (long) number(f.get("rejected"), 0)
                  });
            });
    if (interval.get("circuit_breaker_transitions") instanceof List<?> list) {
      for (Object element : list) {
        Map<String, Object> t = map(element);
        if (t.get("ts") instanceof String at && t.get("breaker") instanceof String breaker) {
          p.transitions.add(
              new Transition(
                  breaker, string(t.get("from")), string(t.get("to")), Timestamps.parseMillis(at)));
        }
      }
    }
    map(line.get("circuit_breakers"))
        .forEach(
            (name, value) -> {
              String state = string(map(value).get("state"));
              if (state != null) {
                p.breakerStates.put(name, state);
              }
            });
    Map<String, Object> sessions = map(line.get("sessions"));
    double active = number(sessions.get("active"), Double.NaN);
    double peak = number(interval.get("sessions_peak"), Double.NaN);
    p.sessions = Double.isNaN(peak) ? active : Double.isNaN(active) ? peak : Math.max(active, peak);

    Map<String, Object> memory = map(line.get("memory"));
    p.heapUsed = number(memory.get("heap_used_bytes"), Double.NaN);
    p.heapMax = number(memory.get("heap_max_bytes"), Double.NaN);
    map(memory.get("probes"))
        .forEach(
            (name, value) -> {
              double v = number(map(value).get("value"), Double.NaN);
              if (!Double.isNaN(v)) {
                p.probes.put(name, v);
              }
            });

    Map<String, Object> gpu = map(line.get("gpu"));
    p.gpuSource = string(gpu.get("source"));
    Map<String, Object> last = map(gpu.get("last"));
    if (last.get("at") instanceof String at) {
      p.gpu =
          new Gpu(
              Timestamps.parseMillis(at),
              number(last.get("utilization_pct"), Double.NaN),
              number(last.get("vram_used_bytes"), Double.NaN),
              number(last.get("vram_total_bytes"), Double.NaN));
    }
    map(gpu.get("errors")).forEach((kind, count) -> p.gpuErrors.put(kind, (long) number(count, 0)));
    map(line.get("agent"))
        .forEach(
            (name, value) -> {
              if (value instanceof Number n) {
                p.agent.put(name, n.longValue());
              }
            });
    return p;
  }

  private static void tools(Map<String, Object> tools, Map<String, ToolCounts> into) {
    tools.forEach(
        (name, value) -> {
          Map<String, Object> f = map(value);
          into.put(
              name,
              new ToolCounts(
                  (long) number(f.get("calls"), 0),
                  (long) number(f.get("ok"), 0),
                  (long) number(f.get("err"), 0),
                  number(f.get("p50_ms"), Double.NaN),
                  number(f.get("p95_ms"), Double.NaN),
                  number(f.get("p99_ms"), Double.NaN),
                  number(f.get("max_ms"), Double.NaN)));
        });
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private static String string(Object value) {
    return value instanceof String s ? s : null;
  }

  private static double number(Object value, double otherwise) {
    return value instanceof Number n ? n.doubleValue() : otherwise;
  }
}
