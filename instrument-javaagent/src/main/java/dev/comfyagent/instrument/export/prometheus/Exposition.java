package dev.comfyagent.instrument.export.prometheus;

import dev.comfyagent.instrument.emit.ProcessIdentity;
import dev.comfyagent.instrument.export.figures.DurationBuckets;
import dev.comfyagent.instrument.export.figures.Figures;
import dev.comfyagent.instrument.export.figures.MetricNames;
import java.math.BigDecimal;
import java.util.List;

/**
 * Writes {@link Figures} as an OpenMetrics 1.0 or Prometheus 0.0.4 text exposition.
 *
 * <p>Names follow OpenTelemetry's rules for Prometheus ({@link MetricNames#prometheusName}):
 * attribute keys with dots become labels with underscores ({@code gen_ai.tool.name} → {@code
 * gen_ai_tool_name}), the process's identity is one {@code target_info} sample (an info metric in
 * OpenMetrics, a gauge of 1 in the Prometheus text), and the tool-call duration is a classic
 * histogram over {@link DurationBuckets}, whose bounds are the same in every process so that {@code
 * sum by (le)} across a fleet is exact.
 *
 * <p>Label values are bounded by the agent: tool names by {@code metrics.tools.max} (and cut to 200
 * characters), breakers, limiters and probes by the host's own objects.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * StringBuilder out = new StringBuilder();
 * Exposition.write(reader.read(), identity, ExpositionFormat.OPENMETRICS, out);
 * }</pre>
 *
 * <p>Stateless.
 */
public final class Exposition {

  /** Resilience4j's states: every breaker lists them all, 1 for the current one. */
  static final List<String> BREAKER_STATES =
      List.of("CLOSED", "OPEN", "HALF_OPEN", "DISABLED", "FORCED_OPEN", "METRICS_ONLY");

  private Exposition() {}

  /** Appends the exposition of {@code figures} to {@code out}. */
  public static void write(
      Figures figures, ProcessIdentity identity, ExpositionFormat format, StringBuilder out) {
    boolean om = format == ExpositionFormat.OPENMETRICS;
    writeTargetInfo(identity, om, out);

    MetricNames duration = MetricNames.OPERATION_DURATION;
    String name = duration.prometheusName();
    header(duration, "histogram", om, out);
    for (Figures.Tool tool : figures.tools()) {
      String labels =
          "mcp_method_name=\"tools/call\",gen_ai_operation_name=\"execute_tool\",gen_ai_tool_name=\""
              + escape(tool.name())
              + "\"";
      for (int i = 0; i < DurationBuckets.count(); i++) {
        out.append(name).append("_bucket{").append(labels).append(",le=\"");
        out.append(number(DurationBuckets.boundSeconds(i))).append("\"} ");
        out.append(tool.cumulative()[i]).append('\n');
      }
      out.append(name).append("_bucket{").append(labels).append(",le=\"+Inf\"} ");
      out.append(tool.count()).append('\n');
      out.append(name).append("_sum{").append(labels).append("} ");
      out.append(number(tool.sumSeconds())).append('\n');
      out.append(name).append("_count{").append(labels).append("} ");
      out.append(tool.count()).append('\n');
    }

    header(MetricNames.TOOL_CALLS, "counter", om, out);
    for (Figures.Tool tool : figures.tools()) {
      String tool_ = "gen_ai_tool_name=\"" + escape(tool.name()) + "\"";
      counter(MetricNames.TOOL_CALLS, tool_ + ",outcome=\"ok\"", tool.ok(), out);
      counter(MetricNames.TOOL_CALLS, tool_ + ",outcome=\"error\"", tool.err(), out);
    }

    if (!figures.breakers().isEmpty()) {
      MetricNames state = MetricNames.BREAKER_STATE;
      String stateName = state.prometheusName();
      header(state, om ? "stateset" : "gauge", om, out);
      for (Figures.Breaker breaker : figures.breakers()) {
        boolean listed = BREAKER_STATES.contains(breaker.state());
        for (String s : BREAKER_STATES) {
          stateSample(stateName, breaker.name(), s, s.equals(breaker.state()), out);
        }
        if (!listed) {
          stateSample(stateName, breaker.name(), breaker.state(), true, out);
        }
      }
      header(MetricNames.BREAKER_TRANSITIONS, "counter", om, out);
      for (Figures.Breaker breaker : figures.breakers()) {
        counter(
            MetricNames.BREAKER_TRANSITIONS,
            "breaker=\"" + escape(breaker.name()) + "\"",
            breaker.transitions(),
            out);
      }
    }

    if (!figures.limiters().isEmpty()) {
      header(MetricNames.LIMITER_PERMITS, "counter", om, out);
      for (Figures.Limiter limiter : figures.limiters()) {
        counter(MetricNames.LIMITER_PERMITS, limiterLabel(limiter), limiter.permitted(), out);
      }
      header(MetricNames.LIMITER_REJECTIONS, "counter", om, out);
      for (Figures.Limiter limiter : figures.limiters()) {
        counter(MetricNames.LIMITER_REJECTIONS, limiterLabel(limiter), limiter.rejected(), out);
      }
    }

    if (figures.activeSessions() >= 0) {
      gauge(MetricNames.SESSIONS_ACTIVE, figures.activeSessions(), om, out);
    }

    Figures.Memory memory = figures.memory();
    if (memory != null) {
      if (memory.heapUsedBytes() >= 0) {
        gauge(MetricNames.HEAP_USED, memory.heapUsedBytes(), om, out);
      }
      if (memory.heapMaxBytes() >= 0) {
        gauge(MetricNames.HEAP_MAX, memory.heapMaxBytes(), om, out);
      }
      if (!memory.probes().isEmpty()) {
        header(MetricNames.PROBE_VALUE, "gauge", om, out);
        for (Figures.Probe probe : memory.probes()) {
          if (probe.value() >= 0) {
            sample(MetricNames.PROBE_VALUE, probeLabel(probe), probe.value(), out);
          }
        }
        header(MetricNames.PROBE_INSTANCES, "gauge", om, out);
        for (Figures.Probe probe : memory.probes()) {
          sample(MetricNames.PROBE_INSTANCES, probeLabel(probe), probe.instances(), out);
        }
      }
    }

    Figures.Gpu gpu = figures.gpu();
    if (gpu != null) {
      String labels =
          "hw_id=\""
              + escape(gpu.index())
              + "\",hw_type=\"gpu\""
              + (gpu.name() == null ? "" : ",hw_name=\"" + escape(gpu.name()) + "\"");
      if (gpu.utilization() >= 0) {
        header(MetricNames.GPU_UTILIZATION, "gauge", om, out);
        out.append(MetricNames.GPU_UTILIZATION.prometheusName()).append('{').append(labels);
        out.append("} ").append(number(gpu.utilization())).append('\n');
      }
      if (gpu.memoryUsedBytes() >= 0) {
        header(MetricNames.GPU_MEMORY_USAGE, "gauge", om, out);
        sample(MetricNames.GPU_MEMORY_USAGE, labels, gpu.memoryUsedBytes(), out);
      }
      if (gpu.memoryTotalBytes() >= 0) {
        header(MetricNames.GPU_MEMORY_LIMIT, "gauge", om, out);
        sample(MetricNames.GPU_MEMORY_LIMIT, labels, gpu.memoryTotalBytes(), out);
      }
    }

    Figures.Health health = figures.health();
    soleCounter(MetricNames.CLASSES_INSTRUMENTED, health.classesInstrumented(), om, out);
    soleCounter(MetricNames.INSTRUMENTATION_FAILURES, health.instrumentationFailures(), om, out);
    soleCounter(MetricNames.TRACE_LINES_WRITTEN, health.traceLinesWritten(), om, out);
    soleCounter(MetricNames.TRACE_LINES_DROPPED, health.traceLinesDropped(), om, out);
    soleCounter(MetricNames.INTERNAL_ERRORS, health.internalErrors(), om, out);
    gauge(MetricNames.TOOL_CALLS_OBSERVABLE, health.toolCallsObservable() ? 1 : 0, om, out);
    soleCounter(MetricNames.TOOL_CALLS_FOLDED, health.toolCallsFolded(), om, out);
    gauge(MetricNames.TOOL_NAMES_TRACKED, health.toolNamesTracked(), om, out);
    gauge(MetricNames.TOOL_NAMES_LIMIT, health.toolNamesLimit(), om, out);
    soleCounter(MetricNames.SPANS_EXPORTED, health.spansExported(), om, out);
    soleCounter(MetricNames.SPANS_DROPPED, health.spansDropped(), om, out);
    soleCounter(MetricNames.EXPORTS_FAILED, health.exportRequestsFailed(), om, out);
    if (om) {
      out.append("# EOF\n");
    }
  }

  private static void writeTargetInfo(ProcessIdentity identity, boolean om, StringBuilder out) {
    String family = om ? "target" : "target_info";
    out.append("# TYPE ").append(family).append(om ? " info\n" : " gauge\n");
    out.append("# HELP ").append(family).append(" Target metadata\n");
    out.append("target_info{service_name=\"").append(escape(identity.serviceName()));
    out.append("\",service_instance_id=\"").append(escape(identity.instanceId()));
    out.append("\",telemetry_distro_name=\"comfy-agent\",telemetry_distro_version=\"");
    out.append(escape(identity.agentVersion())).append("\"} 1\n");
  }

  private static String limiterLabel(Figures.Limiter limiter) {
    return "rate_limiter=\"" + escape(limiter.name()) + "\"";
  }

  private static String probeLabel(Figures.Probe probe) {
    return "probe=\"" + escape(probe.name()) + "\"";
  }

  private static void stateSample(
      String name, String breaker, String state, boolean current, StringBuilder out) {
    out.append(name).append("{breaker=\"").append(escape(breaker)).append("\",");
    out.append(name).append("=\"").append(escape(state)).append("\"} ");
    out.append(current ? 1 : 0).append('\n');
  }

  /**
   * {@code # TYPE}, {@code # UNIT} (OpenMetrics, when the name has a unit suffix) and {@code #
   * HELP} of a family. A Prometheus-text counter family is named with its {@code _total}.
   */
  private static void header(MetricNames metric, String type, boolean om, StringBuilder out) {
    String family = metric.prometheusName();
    if (!om && type.equals("counter")) {
      family += "_total";
    }
    out.append("# TYPE ").append(family).append(' ').append(type).append('\n');
    if (om && metric.prometheusUnit() != null) {
      out.append("# UNIT ").append(family).append(' ').append(metric.prometheusUnit()).append('\n');
    }
    out.append("# HELP ").append(family).append(' ').append(metric.description()).append('\n');
  }

  private static void counter(MetricNames metric, String labels, long value, StringBuilder out) {
    out.append(metric.prometheusName()).append("_total{").append(labels).append("} ");
    out.append(value).append('\n');
  }

  private static void soleCounter(MetricNames metric, long value, boolean om, StringBuilder out) {
    header(metric, "counter", om, out);
    out.append(metric.prometheusName()).append("_total ").append(value).append('\n');
  }

  private static void gauge(MetricNames metric, long value, boolean om, StringBuilder out) {
    header(metric, "gauge", om, out);
    out.append(metric.prometheusName()).append(' ').append(value).append('\n');
  }

  private static void sample(MetricNames metric, String labels, long value, StringBuilder out) {
    out.append(metric.prometheusName()).append('{').append(labels).append("} ");
    out.append(value).append('\n');
  }

  /**
   * A number as Prometheus's own clients write it: plain decimal, never an exponent, and a whole
   * number with {@code .0} ({@code 0.0005}, {@code 1.0}, {@code 1800.0}), so that {@code le} values
   * are the same text in every process.
   */
  static String number(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    String plain = BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    return plain.indexOf('.') < 0 ? plain + ".0" : plain;
  }

  /** A label value escaped as both formats want: backslash, double quote and line feed. */
  static String escape(String value) {
    if (value == null) {
      return "";
    }
    StringBuilder escaped = null;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      String replacement =
          switch (c) {
            case '\\' -> "\\\\";
            case '"' -> "\\\"";
            case '\n' -> "\\n";
            default -> null;
          };
      if (replacement != null && escaped == null) {
        escaped = new StringBuilder(value.length() + 8).append(value, 0, i);
      }
      if (escaped != null) {
        if (replacement != null) {
          escaped.append(replacement);
        } else {
          escaped.append(c);
        }
      }
    }
    return escaped == null ? value : escaped.toString();
  }
}
