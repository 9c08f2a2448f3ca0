package dev.comfyagent.instrument.export.figures;

/**
 * The names, units and descriptions of every exported metric, under OpenTelemetry's names; the
 * Prometheus exposition translates them by OpenTelemetry's rules (dots to underscores, the unit as
 * a suffix, {@code _total} on counters). One list, so that a scrape and an OTLP export can never
 * disagree on a name.
 *
 * <p>The tool-call duration is the MCP semantic conventions' {@code mcp.server.operation.duration};
 * GPU figures are the hardware conventions' {@code hw.gpu.*}; the rest, which no convention names,
 * is under the agent's own {@code comfyagent.} prefix.
 */
public enum MetricNames {
  OPERATION_DURATION(
      "mcp.server.operation.duration",
      "s",
      "Duration of MCP tool calls as the server handled them (all outcomes)."),
  TOOL_CALLS("comfyagent.tool.calls", "{call}", "Tool calls finished, by tool and outcome."),
  BREAKER_STATE(
      "comfyagent.circuit_breaker.state", "", "Circuit breaker state, 1 for the current one."),
  BREAKER_TRANSITIONS(
      "comfyagent.circuit_breaker.transitions", "{transition}", "Circuit breaker state changes."),
  LIMITER_PERMITS(
      "comfyagent.rate_limiter.permits", "{permit}", "Rate limiter permissions granted."),
  LIMITER_REJECTIONS(
      "comfyagent.rate_limiter.rejections", "{permit}", "Rate limiter permissions refused."),
  SESSIONS_ACTIVE("comfyagent.sessions.active", "{session}", "Sessions open now."),
  HEAP_USED("comfyagent.memory.heap.used", "By", "Heap in use."),
  HEAP_MAX("comfyagent.memory.heap.limit", "By", "The heap's limit."),
  PROBE_VALUE(
      "comfyagent.memory.probe.value", "{item}", "A memory probe's size, summed over instances."),
  PROBE_INSTANCES(
      "comfyagent.memory.probe.instances", "{instance}", "Instances a memory probe read."),
  GPU_UTILIZATION("hw.gpu.utilization", "1", "GPU busy fraction at the last reading."),
  GPU_MEMORY_USAGE("hw.gpu.memory.usage", "By", "VRAM in use at the last reading."),
  GPU_MEMORY_LIMIT("hw.gpu.memory.limit", "By", "VRAM in all."),
  CLASSES_INSTRUMENTED(
      "comfyagent.agent.classes_instrumented", "{class}", "Classes the agent wove."),
  INSTRUMENTATION_FAILURES(
      "comfyagent.agent.instrumentation_failures", "{class}", "Classes the agent could not weave."),
  TRACE_LINES_WRITTEN("comfyagent.agent.trace_lines.written", "{line}", "Trace lines written."),
  TRACE_LINES_DROPPED(
      "comfyagent.agent.trace_lines.dropped",
      "{line}",
      "Trace lines dropped (queue full, write failed)."),
  INTERNAL_ERRORS(
      "comfyagent.agent.internal_errors",
      "{error}",
      "Failures inside the agent kept from the host."),
  TOOL_CALLS_OBSERVABLE(
      "comfyagent.agent.tool_calls.observable",
      "",
      "0 when an MCP SDK server was woven but its tool calls cannot be seen."),
  TOOL_CALLS_FOLDED(
      "comfyagent.agent.tool_calls.folded",
      "{call}",
      "Calls of tool names past metrics.tools.max, counted under _other."),
  TOOL_NAMES_TRACKED(
      "comfyagent.agent.tool_names.tracked", "{name}", "Distinct tool names tracked."),
  TOOL_NAMES_LIMIT(
      "comfyagent.agent.tool_names.limit",
      "{name}",
      "metrics.tools.max: tool names tracked at most."),
  SPANS_EXPORTED("comfyagent.agent.otlp.spans.exported", "{span}", "Spans the collector accepted."),
  SPANS_DROPPED(
      "comfyagent.agent.otlp.spans.dropped", "{span}", "Spans lost on the way to the collector."),
  EXPORTS_FAILED(
      "comfyagent.agent.otlp.requests.failed", "{request}", "OTLP requests that failed for good.");

  private final String otelName;
  private final String unit;
  private final String description;

  MetricNames(String otelName, String unit, String description) {
    this.otelName = otelName;
    this.unit = unit;
    this.description = description;
  }

  /** The OpenTelemetry name ({@code mcp.server.operation.duration}). */
  public String otelName() {
    return otelName;
  }

  /** The UCUM unit ({@code s}, {@code By}, {@code 1}, or an annotation such as {@code {call}}). */
  public String unit() {
    return unit;
  }

  /** One line for {@code # HELP} and OTLP's description. */
  public String description() {
    return description;
  }

  /**
   * The Prometheus family name by OpenTelemetry's rules: characters other than letters, digits and
   * {@code _} become {@code _}; {@code s} adds {@code _seconds}, {@code By} {@code _bytes}, {@code
   * 1} on a gauge {@code _ratio}; annotations in braces add nothing. Counters' {@code _total} is
   * added by the writer (OpenMetrics names the family without it).
   */
  public String prometheusName() {
    StringBuilder name = new StringBuilder(otelName.length() + 8);
    for (int i = 0; i < otelName.length(); i++) {
      char c = otelName.charAt(i);
      boolean kept = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      name.append(kept ? c : '_');
    }
    String suffix =
        switch (unit) {
          case "s" -> "_seconds";
          case "By" -> "_bytes";
          case "1" -> "_ratio";
          default -> "";
        };
    return name.append(suffix).toString();
  }

  /** The OpenMetrics {@code # UNIT} word, or {@code null} when the name has no unit suffix. */
  public String prometheusUnit() {
    return switch (unit) {
      case "s" -> "seconds";
      case "By" -> "bytes";
      case "1" -> "ratio";
      default -> null;
    };
  }
}
