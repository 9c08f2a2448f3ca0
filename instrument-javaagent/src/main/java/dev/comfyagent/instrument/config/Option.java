package dev.comfyagent.instrument.config;

import dev.comfyagent.instrument.entry.AgentArguments;
import java.util.Arrays;
import java.util.Optional;

/**
 * Every option the agent accepts, with its default and a one-line description. The list drives
 * validation, the "valid options" part of error messages, and the table in {@code docs/agent.md}.
 *
 * <p>Besides these fixed keys, two namespaces are open for the agent's hooks: {@code probe.<name>}
 * (memory probes, {@code class#method} or {@code off}; {@code hooks.probe.ProbeSpec}) and {@code
 * gpu} / {@code gpu.<key>} (GPU sampling; {@code hooks.gpu.GpuSettings}). Their values are checked
 * by the hooks that own them, with the same one-line errors.
 */
public enum Option {
  CONFIG(
      "config",
      null,
      OptionKind.PATH,
      "a file of key=value lines read as the lowest-priority source"),
  OUTPUT_DIR(
      "output.dir", "./logs", OptionKind.PATH, "where metrics.jsonl and traces.jsonl are written"),
  METRICS_INTERVAL(
      "metrics.interval", "60s", OptionKind.DURATION, "how often a metrics line is appended"),
  METRICS_ROTATE_SIZE(
      "metrics.rotate.size",
      "10MB",
      OptionKind.SIZE,
      "metrics.jsonl is rotated when it would grow past this"),
  METRICS_ROTATE_KEEP(
      "metrics.rotate.keep",
      "5",
      OptionKind.COUNT,
      "rotated metrics files kept (metrics.1.jsonl is the newest)"),
  METRICS_TOOLS_MAX(
      "metrics.tools.max",
      "128",
      OptionKind.COUNT,
      "distinct tool names tracked; calls of further names are counted under _other"),
  METRICS_HTTP(
      "metrics.http",
      "off",
      OptionKind.ADDRESS,
      "serve /metrics (OpenMetrics, Prometheus text) at host:port; a bare port binds 127.0.0.1"),
  TRACE("trace", "on", OptionKind.SWITCH, "write one traces.jsonl line per tool call"),
  TRACE_QUEUE_SIZE(
      "trace.queue.size",
      "8192",
      OptionKind.COUNT,
      "trace lines waiting to be written; more are dropped and counted"),
  TRACE_ROTATE_SIZE(
      "trace.rotate.size",
      "50MB",
      OptionKind.SIZE,
      "traces.jsonl is rotated when it would grow past this"),
  TRACE_ROTATE_KEEP("trace.rotate.keep", "5", OptionKind.COUNT, "rotated trace files kept"),
  HLOG(
      "hlog",
      "on",
      OptionKind.SWITCH,
      "write each interval's latency histograms to latency.hlog (HdrHistogram log, one tag per tool)"),
  SERVICE_NAME(
      "service.name",
      null,
      OptionKind.TEXT,
      "the service.name on every line (default: the main jar's name without its version, or the"
          + " main class's simple name)"),
  OTLP_ENDPOINT(
      "otlp.endpoint",
      "off",
      OptionKind.URL,
      "send spans and metrics over OTLP/HTTP JSON to this collector (http://collector:4318)"),
  OTLP_HEADERS(
      "otlp.headers",
      "",
      OptionKind.HEADERS,
      "headers of every OTLP request: key=value pairs separated by commas, values URL-encoded"),
  OTLP_TIMEOUT("otlp.timeout", "10s", OptionKind.DURATION, "time limit of one OTLP request"),
  OTLP_INTERVAL("otlp.interval", "60s", OptionKind.DURATION, "how often OTLP metrics are sent"),
  OTLP_QUEUE_SIZE(
      "otlp.queue.size",
      "2048",
      OptionKind.COUNT,
      "spans waiting to be sent; more are dropped and counted"),
  SUMMARY_MAX_CHARS(
      "summary.max.chars",
      "200",
      OptionKind.COUNT,
      "length bound of a trace's input_summary (0 = no summary)"),
  TOOLS(
      "tools",
      "",
      OptionKind.PATTERNS,
      "more methods to time as tools: class-glob#method-glob, several separated by ;"),
  WEAVE_SDK("weave.sdk", "on", OptionKind.SWITCH, "observe the MCP Java SDK's tools/call path"),
  WEAVE_TOOL(
      "weave.tool",
      "on",
      OptionKind.SWITCH,
      "observe implementations of the runtime's Tool interface"),
  WEAVE_RESILIENCE4J(
      "weave.resilience4j",
      "on",
      OptionKind.SWITCH,
      "observe Resilience4j circuit breakers and rate limiters"),
  WEAVE_SESSIONS(
      "weave.sessions",
      "on",
      OptionKind.SWITCH,
      "count sessions: the runtime's registry, else the MCP SDK transport's"),
  STATS_TOOL(
      "stats.tool",
      "get_agent_stats",
      OptionKind.TEXT,
      "name of the MCP tool the agent adds to every MCP SDK server to report its figures, or off"),
  DEBUG(
      "debug",
      "off",
      OptionKind.SWITCH,
      "report each woven class and every internal error on stderr"),
  STRICT(
      AgentArguments.STRICT,
      "off",
      OptionKind.SWITCH,
      "a wrong option stops the JVM's start instead of disabling the agent");

  /** Prefix of options reserved for memory probes: {@code probe.<name>=<class>#<method>}. */
  public static final String PROBE_PREFIX = "probe.";

  /** Key and prefix of options reserved for GPU sampling: {@code gpu=auto}, {@code gpu.<key>}. */
  public static final String GPU = "gpu";

  private final String key;
  private final String defaultValue;
  private final OptionKind kind;
  private final String description;

  Option(String key, String defaultValue, OptionKind kind, String description) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.kind = kind;
    this.description = description;
  }

  /** The option's key, as written after the jar, in a file, or after the property prefix. */
  public String key() {
    return key;
  }

  /** The value used when no source sets the option, or {@code null} for none. */
  public String defaultValue() {
    return defaultValue;
  }

  /** What the option does, in one line. */
  public String description() {
    return description;
  }

  /** What a valid value looks like. */
  public String expected() {
    return kind.expected();
  }

  OptionKind kind() {
    return kind;
  }

  /** The option with this key, if any. */
  public static Optional<Option> forKey(String key) {
    return Arrays.stream(values()).filter(o -> o.key.equals(key)).findFirst();
  }

  /** Whether {@code key} belongs to a namespace reserved for the agent's hooks. */
  public static boolean reserved(String key) {
    return (key.startsWith(PROBE_PREFIX) && key.length() > PROBE_PREFIX.length())
        || key.equals(GPU)
        || (key.startsWith(GPU + ".") && key.length() > GPU.length() + 1);
  }

  /** The list of valid keys for error messages. */
  public static String validKeys() {
    StringBuilder keys = new StringBuilder();
    for (Option option : values()) {
      keys.append(option.key).append(", ");
    }
    return keys.append("probe.<name>, gpu, gpu.<key>").toString();
  }
}
