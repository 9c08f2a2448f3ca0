package dev.comfyagent.instrument.export.otlp;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.comfyagent.instrument.emit.ProcessIdentity;
import dev.comfyagent.instrument.export.figures.DurationBuckets;
import dev.comfyagent.instrument.export.figures.Figures;
import dev.comfyagent.instrument.export.figures.MetricNames;
import dev.comfyagent.instrument.record.ToolStatsRegistry;
import dev.comfyagent.instrument.record.TraceEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.function.Predicate;

/**
 * Encodes spans and metrics as OTLP/HTTP JSON request bodies: the protobuf JSON mapping of {@code
 * ExportTraceServiceRequest} and {@code ExportMetricsServiceRequest} with OTLP's own rules (ids as
 * hex, enums as numbers, 64-bit integers as strings), so that no protobuf runtime is needed.
 *
 * <p>A tool call is a span {@code execute_tool <tool>}: kind {@code SERVER} for the first call of a
 * chain that arrived over MCP, {@code INTERNAL} otherwise; the chain's calls are parent and
 * children ({@link SpanIds}); the first call's parent is the client's span when the request's
 * {@code _meta} carried a {@code traceparent}. Attributes are the trace line's MCP ones ({@code
 * mcp.method.name}, {@code gen_ai.tool.name}, {@code gen_ai.operation.name}, {@code
 * mcp.session.id}, {@code jsonrpc.request.id}, {@code error.type}); a failed call has status {@code
 * ERROR}. The input summary is not sent.
 *
 * <p>Metrics are cumulative since the agent started: sums for counters, explicit-bucket histograms
 * over {@link DurationBuckets}, gauges for current values.
 *
 * <p>Not thread-safe: one per exporting thread.
 */
final class OtlpJson {

  private static final JsonFactory JSON = JsonFactory.builder().build();
  private static final int SPAN_KIND_INTERNAL = 1;
  private static final int SPAN_KIND_SERVER = 2;
  private static final int STATUS_ERROR = 2;
  private static final int CUMULATIVE = 2;

  private final ProcessIdentity identity;
  private final SpanIds ids;
  private final ByteArrayOutputStream body = new ByteArrayOutputStream(64 * 1024);

  OtlpJson(ProcessIdentity identity) {
    this.identity = identity;
    this.ids = new SpanIds(identity.instanceId());
  }

  /**
   * The request body for {@code events}.
   *
   * @param tracked whether a tool name is tracked; a name past {@code metrics.tools.max} is named
   *     {@code _other} in the span's name (its attribute keeps the name), so that span names stay
   *     few
   */
  byte[] spans(List<TraceEvent> events, Predicate<String> tracked) throws IOException {
    body.reset();
    try (JsonGenerator json = JSON.createGenerator(body, JsonEncoding.UTF8)) {
      json.writeStartObject();
      json.writeArrayFieldStart("resourceSpans");
      json.writeStartObject();
      resource(json);
      json.writeArrayFieldStart("scopeSpans");
      json.writeStartObject();
      scope(json);
      json.writeArrayFieldStart("spans");
      for (TraceEvent event : events) {
        span(json, event, tracked);
      }
      json.writeEndArray();
      json.writeEndObject();
      json.writeEndArray();
      json.writeEndObject();
      json.writeEndArray();
      json.writeEndObject();
    }
    return body.toByteArray();
  }

  private void span(JsonGenerator json, TraceEvent e, Predicate<String> tracked)
      throws IOException {
    String traceId = ids.traceId(e.correlationId());
    json.writeStartObject();
    json.writeStringField("traceId", traceId);
    json.writeStringField("spanId", ids.spanId(e.correlationId(), e.seq()));
    String parent =
        e.parentSeq() > 0
            ? ids.spanId(e.correlationId(), e.parentSeq())
            : SpanIds.remoteParent(e.traceparent(), traceId);
    if (parent != null) {
      json.writeStringField("parentSpanId", parent);
    }
    String tool = e.toolName() == null ? ToolStatsRegistry.UNKNOWN : e.toolName();
    json.writeStringField(
        "name", "execute_tool " + (tracked.test(tool) ? tool : ToolStatsRegistry.OVERFLOW));
    json.writeNumberField(
        "kind", e.viaMcp() && e.parentSeq() == 0 ? SPAN_KIND_SERVER : SPAN_KIND_INTERNAL);
    long start = e.epochMillis() * 1_000_000L;
    json.writeStringField("startTimeUnixNano", Long.toString(start));
    json.writeStringField("endTimeUnixNano", Long.toString(start + e.durationNanos()));
    json.writeArrayFieldStart("attributes");
    if (e.viaMcp()) {
      attribute(json, "mcp.method.name", "tools/call");
    }
    attribute(json, "gen_ai.tool.name", tool);
    attribute(json, "gen_ai.operation.name", "execute_tool");
    if (e.sessionId() != null) {
      attribute(json, "mcp.session.id", e.sessionId());
    }
    if (e.jsonRpcId() != null) {
      attribute(json, "jsonrpc.request.id", String.valueOf(e.jsonRpcId()));
    }
    if (e.errorType() != null) {
      attribute(json, "error.type", e.errorType());
    }
    if (!SpanIds.isTraceId(e.correlationId())) {
      attribute(json, "comfyagent.correlation_id", e.correlationId());
    }
    json.writeEndArray();
    if (e.errorType() != null) {
      json.writeObjectFieldStart("status");
      json.writeNumberField("code", STATUS_ERROR);
      json.writeStringField("message", e.errorType());
      json.writeEndObject();
    }
    json.writeEndObject();
  }

  /** The request body for {@code figures}. */
  byte[] metrics(Figures figures) throws IOException {
    body.reset();
    String start = Long.toString(figures.startEpochMillis() * 1_000_000L);
    String now = Long.toString(figures.epochMillis() * 1_000_000L);
    try (JsonGenerator json = JSON.createGenerator(body, JsonEncoding.UTF8)) {
      json.writeStartObject();
      json.writeArrayFieldStart("resourceMetrics");
      json.writeStartObject();
      resource(json);
      json.writeArrayFieldStart("scopeMetrics");
      json.writeStartObject();
      scope(json);
      json.writeArrayFieldStart("metrics");
      Points points = new Points(json, start, now);

      if (!figures.tools().isEmpty()) {
        metric(json, MetricNames.OPERATION_DURATION);
        json.writeObjectFieldStart("histogram");
        json.writeNumberField("aggregationTemporality", CUMULATIVE);
        json.writeArrayFieldStart("dataPoints");
        for (Figures.Tool tool : figures.tools()) {
          histogramPoint(json, tool, start, now);
        }
        json.writeEndArray();
        json.writeEndObject();
        json.writeEndObject();

        points.sum(MetricNames.TOOL_CALLS);
        for (Figures.Tool tool : figures.tools()) {
          points.point(tool.ok(), "gen_ai.tool.name", tool.name(), "outcome", "ok");
          points.point(tool.err(), "gen_ai.tool.name", tool.name(), "outcome", "error");
        }
        points.end();
      }

      if (!figures.breakers().isEmpty()) {
        points.gauge(MetricNames.BREAKER_STATE);
        for (Figures.Breaker b : figures.breakers()) {
          points.point(1, "breaker", b.name(), "state", b.state());
        }
        points.end();
        points.sum(MetricNames.BREAKER_TRANSITIONS);
        for (Figures.Breaker b : figures.breakers()) {
          points.point(b.transitions(), "breaker", b.name());
        }
        points.end();
      }
      if (!figures.limiters().isEmpty()) {
        points.sum(MetricNames.LIMITER_PERMITS);
        for (Figures.Limiter l : figures.limiters()) {
          points.point(l.permitted(), "rate_limiter", l.name());
        }
        points.end();
        points.sum(MetricNames.LIMITER_REJECTIONS);
        for (Figures.Limiter l : figures.limiters()) {
          points.point(l.rejected(), "rate_limiter", l.name());
        }
        points.end();
      }
      if (figures.activeSessions() >= 0) {
        points.soleGauge(MetricNames.SESSIONS_ACTIVE, figures.activeSessions());
      }
      Figures.Memory memory = figures.memory();
      if (memory != null) {
        if (memory.heapUsedBytes() >= 0) {
          points.soleGauge(MetricNames.HEAP_USED, memory.heapUsedBytes());
        }
        if (memory.heapMaxBytes() >= 0) {
          points.soleGauge(MetricNames.HEAP_MAX, memory.heapMaxBytes());
        }
        if (!memory.probes().isEmpty()) {
          points.gauge(MetricNames.PROBE_VALUE);
          for (Figures.Probe p : memory.probes()) {
            if (p.value() >= 0) {
              points.point(p.value(), "probe", p.name());
            }
          }
          points.end();
          points.gauge(MetricNames.PROBE_INSTANCES);
          for (Figures.Probe p : memory.probes()) {
            points.point(p.instances(), "probe", p.name());
          }
          points.end();
        }
      }
      Figures.Gpu gpu = figures.gpu();
      if (gpu != null) {
        if (gpu.utilization() >= 0) {
          metric(json, MetricNames.GPU_UTILIZATION);
          json.writeObjectFieldStart("gauge");
          json.writeArrayFieldStart("dataPoints");
          json.writeStartObject();
          gpuAttributes(json, gpu);
          json.writeStringField("timeUnixNano", now);
          json.writeNumberField("asDouble", gpu.utilization());
          json.writeEndObject();
          json.writeEndArray();
          json.writeEndObject();
          json.writeEndObject();
        }
        if (gpu.memoryUsedBytes() >= 0) {
          gpuGauge(json, MetricNames.GPU_MEMORY_USAGE, gpu, gpu.memoryUsedBytes(), now);
        }
        if (gpu.memoryTotalBytes() >= 0) {
          gpuGauge(json, MetricNames.GPU_MEMORY_LIMIT, gpu, gpu.memoryTotalBytes(), now);
        }
      }
      Figures.Health h = figures.health();
      points.soleSum(MetricNames.CLASSES_INSTRUMENTED, h.classesInstrumented());
      points.soleSum(MetricNames.INSTRUMENTATION_FAILURES, h.instrumentationFailures());
      points.soleSum(MetricNames.TRACE_LINES_WRITTEN, h.traceLinesWritten());
      points.soleSum(MetricNames.TRACE_LINES_DROPPED, h.traceLinesDropped());
      points.soleSum(MetricNames.INTERNAL_ERRORS, h.internalErrors());
      points.soleGauge(MetricNames.TOOL_CALLS_OBSERVABLE, h.toolCallsObservable() ? 1 : 0);
      points.soleSum(MetricNames.TOOL_CALLS_FOLDED, h.toolCallsFolded());
      points.soleGauge(MetricNames.TOOL_NAMES_TRACKED, h.toolNamesTracked());
      points.soleGauge(MetricNames.TOOL_NAMES_LIMIT, h.toolNamesLimit());
      points.soleSum(MetricNames.SPANS_EXPORTED, h.spansExported());
      points.soleSum(MetricNames.SPANS_DROPPED, h.spansDropped());
      points.soleSum(MetricNames.EXPORTS_FAILED, h.exportRequestsFailed());

      json.writeEndArray();
      json.writeEndObject();
      json.writeEndArray();
      json.writeEndObject();
      json.writeEndArray();
      json.writeEndObject();
    }
    return body.toByteArray();
  }

  private static void histogramPoint(
      JsonGenerator json, Figures.Tool tool, String start, String now) throws IOException {
    json.writeStartObject();
    json.writeArrayFieldStart("attributes");
    attribute(json, "mcp.method.name", "tools/call");
    attribute(json, "gen_ai.operation.name", "execute_tool");
    attribute(json, "gen_ai.tool.name", tool.name());
    json.writeEndArray();
    json.writeStringField("startTimeUnixNano", start);
    json.writeStringField("timeUnixNano", now);
    json.writeStringField("count", Long.toString(tool.count()));
    json.writeNumberField("sum", tool.sumSeconds());
    json.writeArrayFieldStart("bucketCounts");
    long previous = 0;
    long[] cumulative = tool.cumulative();
    for (long c : cumulative) {
      json.writeString(Long.toString(c - previous));
      previous = c;
    }
    json.writeString(Long.toString(tool.count() - previous));
    json.writeEndArray();
    json.writeArrayFieldStart("explicitBounds");
    for (int i = 0; i < DurationBuckets.count(); i++) {
      json.writeNumber(DurationBuckets.boundSeconds(i));
    }
    json.writeEndArray();
    if (tool.count() > 0) {
      json.writeNumberField("min", tool.minSeconds());
      json.writeNumberField("max", tool.maxSeconds());
    }
    json.writeEndObject();
  }

  private static void gpuAttributes(JsonGenerator json, Figures.Gpu gpu) throws IOException {
    json.writeArrayFieldStart("attributes");
    attribute(json, "hw.id", gpu.index());
    attribute(json, "hw.type", "gpu");
    if (gpu.name() != null) {
      attribute(json, "hw.name", gpu.name());
    }
    json.writeEndArray();
  }

  private static void gpuGauge(
      JsonGenerator json, MetricNames metric, Figures.Gpu gpu, long value, String now)
      throws IOException {
    metric(json, metric);
    json.writeObjectFieldStart("gauge");
    json.writeArrayFieldStart("dataPoints");
    json.writeStartObject();
    gpuAttributes(json, gpu);
    json.writeStringField("timeUnixNano", now);
    json.writeStringField("asInt", Long.toString(value));
    json.writeEndObject();
    json.writeEndArray();
    json.writeEndObject();
    json.writeEndObject();
  }

  /** Opens a metric object: name, unit, description (the caller writes its data and closes it). */
  private static void metric(JsonGenerator json, MetricNames metric) throws IOException {
    json.writeStartObject();
    json.writeStringField("name", metric.otelName());
    if (!metric.unit().isEmpty()) {
      json.writeStringField("unit", metric.unit());
    }
    json.writeStringField("description", metric.description());
  }

  private void resource(JsonGenerator json) throws IOException {
    json.writeObjectFieldStart("resource");
    json.writeArrayFieldStart("attributes");
    attribute(json, ProcessIdentity.SERVICE_NAME, identity.serviceName());
    attribute(json, ProcessIdentity.INSTANCE_ID, identity.instanceId());
    attribute(json, "telemetry.distro.name", "comfy-agent");
    attribute(json, ProcessIdentity.AGENT_VERSION, identity.agentVersion());
    attribute(json, "host.name", identity.host());
    json.writeEndArray();
    json.writeEndObject();
  }

  private void scope(JsonGenerator json) throws IOException {
    json.writeObjectFieldStart("scope");
    json.writeStringField("name", "dev.comfyagent.instrument");
    json.writeStringField("version", identity.agentVersion());
    json.writeEndObject();
  }

  private static void attribute(JsonGenerator json, String key, String value) throws IOException {
    json.writeStartObject();
    json.writeStringField("key", key);
    json.writeObjectFieldStart("value");
    json.writeStringField("stringValue", value == null ? "" : value);
    json.writeEndObject();
    json.writeEndObject();
  }

  /** Writes sums and gauges of integer points, with attributes given as key, value, key, value. */
  private static final class Points {
    private final JsonGenerator json;
    private final String start;
    private final String now;
    private boolean cumulative;

    Points(JsonGenerator json, String start, String now) {
      this.json = json;
      this.start = start;
      this.now = now;
    }

    void sum(MetricNames metric) throws IOException {
      metric(json, metric);
      json.writeObjectFieldStart("sum");
      json.writeNumberField("aggregationTemporality", CUMULATIVE);
      json.writeBooleanField("isMonotonic", true);
      json.writeArrayFieldStart("dataPoints");
      cumulative = true;
    }

    void gauge(MetricNames metric) throws IOException {
      metric(json, metric);
      json.writeObjectFieldStart("gauge");
      json.writeArrayFieldStart("dataPoints");
      cumulative = false;
    }

    void point(long value, String... attributes) throws IOException {
      json.writeStartObject();
      if (attributes.length > 0) {
        json.writeArrayFieldStart("attributes");
        for (int i = 0; i + 1 < attributes.length; i += 2) {
          attribute(json, attributes[i], attributes[i + 1]);
        }
        json.writeEndArray();
      }
      if (cumulative) {
        json.writeStringField("startTimeUnixNano", start);
      }
      json.writeStringField("timeUnixNano", now);
      json.writeStringField("asInt", Long.toString(value));
      json.writeEndObject();
    }

    void end() throws IOException {
      json.writeEndArray();
      json.writeEndObject();
      json.writeEndObject();
    }

    void soleSum(MetricNames metric, long value) throws IOException {
      sum(metric);
      point(value);
      end();
    }

    void soleGauge(MetricNames metric, long value) throws IOException {
      gauge(metric);
      point(value);
      end();
    }
  }
}
