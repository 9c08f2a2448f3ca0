package dev.comfyagent.instrument.hooks.stats;

import dev.comfyagent.instrument.record.AgentHealth;
import dev.comfyagent.instrument.record.AgentStats;
import dev.comfyagent.instrument.record.CircuitBreakerBoard;
import dev.comfyagent.instrument.record.RateLimiterBoard;
import dev.comfyagent.instrument.record.ToolFigures;
import dev.comfyagent.instrument.record.ToolStatsRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * What {@code get_agent_stats} answers: the agent's figures since start as a short readable table
 * and the same figures as JSON ({@code structuredContent}), with the metrics.jsonl field names.
 *
 * <p>Reveals only the agent's own figures: tool names, counts and latencies, circuit breaker and
 * rate limiter names and counts, probe names with their values, the GPU source and its last
 * reading, error counts by kind, and where the output files are: the output directory relative to
 * the working directory, or only its own name (as {@code .../logs}) when it lies elsewhere. Never
 * an absolute path (which names users and the host's layout to whoever calls the tool), argument
 * values, environment values, or other paths (the GPU sampler's error messages, which can name
 * {@code PATH} entries or ComfyUI's address, stay in metrics.jsonl and on stderr).
 *
 * <p>Thread-safe.
 */
final class StatsReport {

  private static final int NAME_WIDTH_MAX = 40;

  private final AgentStats stats;
  private final String outputDir;
  private final Supplier<String> version;

  /**
   * @param stats the agent's figures
   * @param outputDir where metrics.jsonl and traces.jsonl go
   * @param version the agent's version, read when a report is made
   */
  StatsReport(AgentStats stats, Path outputDir, Supplier<String> version) {
    this(stats, outputDir, Path.of(""), version);
  }

  /** A report that shows {@code outputDir} as seen from {@code workingDir}. */
  StatsReport(AgentStats stats, Path outputDir, Path workingDir, Supplier<String> version) {
    this.stats = stats;
    this.outputDir = shownOutputDir(outputDir, workingDir);
    this.version = version;
  }

  /**
   * The output directory as the report shows it: relative to {@code workingDir} when it is inside
   * it ({@code logs}, or {@code .} for the working directory itself), else {@code .../<its name>}.
   */
  static String shownOutputDir(Path outputDir, Path workingDir) {
    Path dir = outputDir.toAbsolutePath().normalize();
    Path base = workingDir.toAbsolutePath().normalize();
    if (dir.startsWith(base)) {
      String relative = base.relativize(dir).toString();
      return relative.isEmpty() ? "." : relative;
    }
    Path name = dir.getFileName();
    return name == null ? "..." : ".../" + name;
  }

  /** A report: its text, its structured content, and whether it is an error. */
  record Answer(String text, Map<String, Object> structured, boolean isError) {}

  /**
   * The report of everything, or of one tool.
   *
   * @param serverTools the tools of the server that answers (for the error naming known tools)
   * @param onlyTool the {@code tool} argument, or null
   */
  Answer answer(Collection<String> serverTools, String onlyTool) {
    Map<String, ToolFigures> figures = new TreeMap<>();
    for (ToolFigures tool : stats.tools()) {
      figures.put(tool.tool(), tool);
    }
    if (onlyTool != null) {
      return oneTool(serverTools, onlyTool, figures);
    }
    // A tool is listed once a call of it finished (this very call is still running).
    figures.values().removeIf(f -> f.calls() == 0);
    Map<String, Object> structured = new LinkedHashMap<>();
    long uptime = stats.uptimeMillis();
    structured.put("agent_version", version.get());
    structured.put("uptime_ms", uptime);
    Map<String, Object> tools = new LinkedHashMap<>();
    figures.values().forEach(f -> tools.put(f.tool(), toolJson(f)));
    structured.put("tools", tools);

    Map<String, Object> breakers = new LinkedHashMap<>();
    Map<String, CircuitBreakerBoard.BreakerFigures> breakerFigures = stats.circuitBreakers();
    breakerFigures.values().forEach(b -> breakers.put(b.name(), breakerJson(b)));
    structured.put("circuit_breakers", breakers);

    Map<String, Object> limiters = new LinkedHashMap<>();
    Map<String, RateLimiterBoard.LimiterFigures> limiterFigures = stats.rateLimiters();
    limiterFigures.values().forEach(l -> limiters.put(l.name(), limiterJson(l)));
    structured.put("rate_limiters", limiters);

    OptionalInt sessions = stats.activeSessions();
    structured.put("sessions", sessions.isPresent() ? Map.of("active", sessions.getAsInt()) : null);

    Map<String, Map<String, ?>> sections = stats.sections();
    Map<String, ?> memory = sections.get("memory");
    Map<String, Object> gpu = withoutMessages(sections.get("gpu"));
    structured.put("memory", memory);
    structured.put("gpu", gpu);
    for (Map.Entry<String, Map<String, ?>> section : sections.entrySet()) {
      if (!structured.containsKey(section.getKey())) {
        structured.put(section.getKey(), section.getValue());
      }
    }
    Map<String, Object> agent = agentJson();
    structured.put("agent", agent);

    StringBuilder text = new StringBuilder();
    text.append("instrument-javaagent ")
        .append(version.get())
        .append(": up ")
        .append(duration(uptime))
        .append("; figures since start (metrics.jsonl and traces.jsonl in ")
        .append(outputDir)
        .append(")\n\n");
    table(text, figures.values());
    text.append('\n');
    line(text, "Circuit breakers", breakersText(breakerFigures.values()));
    line(text, "Rate limiters", limitersText(limiterFigures.values()));
    line(
        text,
        "Sessions",
        sessions.isPresent() ? sessions.getAsInt() + " active" : "no session registry seen");
    line(text, "Memory", memoryText(memory));
    line(text, "GPU", gpuText(gpu));
    line(
        text,
        "Agent",
        stats.health().classesInstrumented()
            + " classes instrumented, "
            + stats.health().instrumentationFailures()
            + " could not be, "
            + stats.traceLinesWritten()
            + " trace lines written, "
            + stats.traceLinesDropped()
            + " dropped, "
            + stats.health().internalErrors()
            + " internal errors swallowed"
            + folded()
            + (stats.health().toolCallsObservable()
                ? ""
                : "; NO tool call of this server can be observed (unsupported SDK release)"));
    return new Answer(text.toString().stripTrailing(), structured, false);
  }

  private Answer oneTool(
      Collection<String> serverTools, String tool, Map<String, ToolFigures> figures) {
    ToolFigures found = figures.get(tool);
    if (found == null && !serverTools.contains(tool)) {
      TreeSet<String> known = new TreeSet<>(serverTools);
      known.addAll(figures.keySet());
      return new Answer(
          "unknown tool '"
              + tool
              + "': no tool of that name was called or is served here. Known tools: "
              + String.join(", ", known)
              + ". Call without 'tool' for every tool's figures.",
          null,
          true);
    }
    ToolFigures shown =
        found != null
            ? found
            : new ToolFigures(
                tool, 0, 0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    Map<String, Object> structured = new LinkedHashMap<>();
    structured.put("agent_version", version.get());
    structured.put("uptime_ms", stats.uptimeMillis());
    Map<String, Object> tools = new LinkedHashMap<>();
    tools.put(tool, toolJson(shown));
    structured.put("tools", tools);
    StringBuilder text = new StringBuilder();
    text.append(tool).append(" since the agent started ").append(duration(stats.uptimeMillis()));
    text.append(" ago:\n\n");
    table(text, List.of(shown));
    return new Answer(text.toString().stripTrailing(), structured, false);
  }

  /** Empty while every tool has figures of its own; else says how many calls went to _other. */
  private String folded() {
    long folded = stats.toolCallsFolded();
    if (folded == 0) {
      return "";
    }
    return "; "
        + folded
        + " calls of tools past metrics.tools.max="
        + stats.toolNamesMax()
        + " counted under "
        + ToolStatsRegistry.OVERFLOW;
  }

  private Map<String, Object> agentJson() {
    AgentHealth health = stats.health();
    Map<String, Object> agent = new LinkedHashMap<>();
    agent.put("classes_instrumented", health.classesInstrumented());
    agent.put("instrumentation_failures", health.instrumentationFailures());
    agent.put("trace_lines_written", stats.traceLinesWritten());
    agent.put("trace_lines_dropped", stats.traceLinesDropped());
    agent.put("internal_errors", health.internalErrors());
    agent.put("tool_calls_folded", stats.toolCallsFolded());
    agent.put("tool_calls_observable", health.toolCallsObservable());
    agent.put("output_dir", outputDir);
    return agent;
  }

  static Map<String, Object> toolJson(ToolFigures f) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("calls", f.calls());
    json.put("ok", f.ok());
    json.put("err", f.err());
    if (f.timed()) {
      json.put("p50_ms", micros(f.p50Ms()));
      json.put("p95_ms", micros(f.p95Ms()));
      json.put("p99_ms", micros(f.p99Ms()));
      json.put("max_ms", micros(f.maxMs()));
      json.put("mean_ms", micros(f.meanMs()));
    }
    return json;
  }

  private static Map<String, Object> breakerJson(CircuitBreakerBoard.BreakerFigures b) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("state", b.state());
    json.put("transitions", b.transitions());
    return json;
  }

  private static Map<String, Object> limiterJson(RateLimiterBoard.LimiterFigures l) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("permitted", l.permitted());
    json.put("rejected", l.rejected());
    return json;
  }

  /** The GPU section without the sampler's error message (it can name PATH or ComfyUI's host). */
  private static Map<String, Object> withoutMessages(Map<String, ?> gpu) {
    if (gpu == null) {
      return null;
    }
    Map<String, Object> copy = new LinkedHashMap<>(gpu);
    copy.remove("last_error");
    return copy;
  }

  private static void table(StringBuilder text, Collection<ToolFigures> tools) {
    if (tools.isEmpty()) {
      text.append("No tool calls yet.\n");
      return;
    }
    int width = 4;
    for (ToolFigures f : tools) {
      width = Math.max(width, Math.min(NAME_WIDTH_MAX, f.tool().length()));
    }
    String row = "%-" + width + "s %7s %7s %7s %9s %9s %9s %9s%n";
    text.append(
        String.format(
            Locale.ROOT,
            row,
            "TOOL",
            "CALLS",
            "OK",
            "ERR",
            "P50 ms",
            "P95 ms",
            "P99 ms",
            "MAX ms"));
    for (ToolFigures f : tools) {
      String name = f.tool();
      if (name.length() > NAME_WIDTH_MAX) {
        name = name.substring(0, NAME_WIDTH_MAX - 1) + "…";
      }
      text.append(
          String.format(
              Locale.ROOT,
              row,
              name,
              f.calls(),
              f.ok(),
              f.err(),
              millis(f.p50Ms()),
              millis(f.p95Ms()),
              millis(f.p99Ms()),
              millis(f.maxMs())));
    }
  }

  private static void line(StringBuilder text, String label, String value) {
    text.append(String.format(Locale.ROOT, "%-18s%s%n", label + ":", value));
  }

  private static String breakersText(Collection<CircuitBreakerBoard.BreakerFigures> breakers) {
    if (breakers.isEmpty()) {
      return "none seen";
    }
    List<String> parts = new ArrayList<>();
    for (CircuitBreakerBoard.BreakerFigures b : breakers) {
      parts.add(
          b.name()
              + " "
              + b.state()
              + ", "
              + b.transitions()
              + (b.transitions() == 1 ? " transition" : " transitions"));
    }
    return String.join("; ", parts);
  }

  private static String limitersText(Collection<RateLimiterBoard.LimiterFigures> limiters) {
    if (limiters.isEmpty()) {
      return "none seen";
    }
    List<String> parts = new ArrayList<>();
    for (RateLimiterBoard.LimiterFigures l : limiters) {
      parts.add(l.name() + " " + l.rejected() + " rejected of " + (l.permitted() + l.rejected()));
    }
    return String.join("; ", parts);
  }

  private static String memoryText(Map<String, ?> memory) {
    if (memory == null) {
      return "not measured";
    }
    StringBuilder text = new StringBuilder("heap ");
    text.append(mebibytes(memory.get("heap_used_bytes")));
    Object max = memory.get("heap_max_bytes");
    if (max != null) {
      text.append(" of ").append(mebibytes(max));
    }
    text.append(" MiB");
    if (memory.get("probes") instanceof Map<?, ?> probes) {
      for (Map.Entry<?, ?> probe : probes.entrySet()) {
        text.append("; ").append(probe.getKey()).append(' ');
        if (!(probe.getValue() instanceof Map<?, ?> figures)) {
          continue;
        }
        if (figures.get("skipped") != null) {
          text.append("skipped");
        } else if (figures.get("value") == null) {
          text.append("no instance yet");
        } else {
          Object instances = figures.get("instances");
          text.append(figures.get("value"));
          if (!Integer.valueOf(1).equals(instances)) {
            text.append(" (")
                .append(instances)
                .append(" instances, largest ")
                .append(figures.get("max"))
                .append(')');
          }
        }
      }
    }
    return text.toString();
  }

  private static String gpuText(Map<String, ?> gpu) {
    if (gpu == null) {
      return "not sampled";
    }
    Object mode = gpu.get("mode");
    if ("off".equals(mode)) {
      return "off (gpu=off)";
    }
    StringBuilder text = new StringBuilder();
    text.append(gpu.get("source"));
    if (gpu.get("last") instanceof Map<?, ?> last) {
      text.append(", last read ").append(last.get("at")).append(": ");
      Object name = last.get("name");
      if (name != null) {
        text.append("GPU ").append(last.get("gpu")).append(' ').append(name).append(' ');
      }
      text.append(last.get("text"));
    } else {
      text.append(", no read yet");
    }
    long errors = 0;
    if (gpu.get("errors") instanceof Map<?, ?> byKind) {
      for (Object count : byKind.values()) {
        errors += count instanceof Number n ? n.longValue() : 0;
      }
      text.append("; ").append(errors).append(errors == 1 ? " read error" : " read errors");
      if (!byKind.isEmpty()) {
        text.append(' ').append(byKind);
      }
    }
    return text.toString();
  }

  private static String mebibytes(Object bytes) {
    return bytes instanceof Number n
        ? String.format(Locale.ROOT, "%.1f", n.longValue() / (1024.0 * 1024.0))
        : "?";
  }

  private static String millis(double ms) {
    if (Double.isNaN(ms)) {
      return "-";
    }
    if (ms < 10) {
      return String.format(Locale.ROOT, "%.2f", ms);
    }
    return ms < 1000
        ? String.format(Locale.ROOT, "%.1f", ms)
        : String.format(Locale.ROOT, "%.0f", ms);
  }

  /** Milliseconds rounded to microseconds, as in metrics.jsonl. */
  private static double micros(double ms) {
    return Math.round(ms * 1000) / 1000.0;
  }

  static String duration(long millis) {
    long seconds = millis / 1000;
    long h = seconds / 3600;
    long m = (seconds % 3600) / 60;
    long s = seconds % 60;
    if (h > 0) {
      return String.format(Locale.ROOT, "%dh %02dm %02ds", h, m, s);
    }
    if (m > 0) {
      return String.format(Locale.ROOT, "%dm %02ds", m, s);
    }
    return String.format(Locale.ROOT, "%d.%01ds", s, (millis % 1000) / 100);
  }
}
