package dev.comfyagent.instrument.export.otlp;

import static dev.comfyagent.instrument.export.otlp.OtlpReceiver.hex;
import static org.assertj.core.api.Assertions.assertThat;

import dev.comfyagent.instrument.export.KnownFigures;
import dev.comfyagent.instrument.export.figures.DurationBuckets;
import dev.comfyagent.instrument.record.TraceEvent;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class OtlpJsonTest {

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String TRACEPARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";

  private final KnownFigures known =
      new KnownFigures(2)
          .calls("load_workflow", List.of(300L, 700L, 700L, 4_000L, 40_000L, 2_500_000L), 3)
          .calls("search_nodes", List.of(150L), 0)
          .breaker("comfyui", "OPEN", 1)
          .limiter("comfyui", 42, 1)
          .sessions(2)
          .hooks();
  private final OtlpJson json = new OtlpJson(known.identity);

  private static TraceEvent call(
      String tool, int seq, int parent, String error, String traceparent, String correlation) {
    return new TraceEvent(
        1_764_065_730_123L,
        correlation,
        tool,
        12_345_678L,
        error == null,
        "path=/a.json",
        seq,
        parent,
        error,
        parent == 0,
        "session-1",
        parent == 0 ? 3 : null,
        traceparent);
  }

  private ExportTraceServiceRequest spans(List<TraceEvent> events) throws Exception {
    String body =
        new String(json.spans(events, name -> !name.equals("ghost")), StandardCharsets.UTF_8);
    return OtlpReceiver.parseTraces(body);
  }

  private static Map<String, String> attributes(List<KeyValue> attributes) {
    return attributes.stream()
        .collect(Collectors.toMap(KeyValue::getKey, kv -> kv.getValue().getStringValue()));
  }

  @Test
  void aCallIsAnExecuteToolSpanWithTheTraceLinesMcpAttributes() throws Exception {
    ExportTraceServiceRequest request =
        spans(List.of(call("load_workflow", 1, 0, null, TRACEPARENT, TRACE_ID)));
    Span span = request.getResourceSpans(0).getScopeSpans(0).getSpans(0);
    assertThat(span.getName()).isEqualTo("execute_tool load_workflow");
    assertThat(span.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
    assertThat(span.getStartTimeUnixNano()).isEqualTo(1_764_065_730_123_000_000L);
    assertThat(span.getEndTimeUnixNano() - span.getStartTimeUnixNano()).isEqualTo(12_345_678L);
    assertThat(attributes(span.getAttributesList()))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "mcp.method.name", "tools/call",
                "gen_ai.tool.name", "load_workflow",
                "gen_ai.operation.name", "execute_tool",
                "mcp.session.id", "session-1",
                "jsonrpc.request.id", "3"));
    assertThat(span.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_UNSET);
    assertThat(attributes(request.getResourceSpans(0).getResource().getAttributesList()))
        .containsEntry("service.name", "studio \"a\"")
        .containsEntry("service.instance.id", known.identity.instanceId())
        .containsEntry("telemetry.distro.version", "0.1.0");
  }

  @Test
  void theTraceparentFromMetaIsTheTraceAndTheClientsSpanTheParent() throws Exception {
    Span span =
        spans(List.of(call("load_workflow", 1, 0, null, TRACEPARENT, TRACE_ID)))
            .getResourceSpans(0)
            .getScopeSpans(0)
            .getSpans(0);
    assertThat(hex(span.getTraceId())).isEqualTo(TRACE_ID);
    assertThat(hex(span.getParentSpanId())).isEqualTo("00f067aa0ba902b7");
    assertThat(hex(span.getSpanId())).hasSize(16).isNotEqualTo("00f067aa0ba902b7");
  }

  @Test
  void aToolCalledInsideAToolIsAChildSpanOfItsCaller() throws Exception {
    List<Span> spans =
        spans(
                List.of(
                    call("set_input", 2, 1, null, null, TRACE_ID),
                    call("load_workflow", 1, 0, null, TRACEPARENT, TRACE_ID)))
            .getResourceSpans(0)
            .getScopeSpans(0)
            .getSpansList();
    Span child = spans.get(0);
    Span parent = spans.get(1);
    assertThat(child.getTraceId()).isEqualTo(parent.getTraceId());
    assertThat(child.getParentSpanId()).isEqualTo(parent.getSpanId());
    assertThat(child.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_INTERNAL);
  }

  @Test
  void aFailedCallHasStatusErrorAndItsErrorType() throws Exception {
    Span span =
        spans(List.of(call("load_workflow", 1, 0, "tool_error", null, TRACE_ID)))
            .getResourceSpans(0)
            .getScopeSpans(0)
            .getSpans(0);
    assertThat(span.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
    assertThat(span.getStatus().getMessage()).isEqualTo("tool_error");
    assertThat(attributes(span.getAttributesList())).containsEntry("error.type", "tool_error");
    assertThat(span.getParentSpanId().isEmpty()).as("no traceparent: a root span").isTrue();
  }

  @Test
  void aClientsCorrelationIdGivesTheSameTraceInEveryProcessAndIsKeptAsAnAttribute()
      throws Exception {
    Span here =
        spans(List.of(call("a", 1, 0, null, null, "order-42")))
            .getResourceSpans(0)
            .getScopeSpans(0)
            .getSpans(0);
    OtlpJson elsewhere =
        new OtlpJson(
            dev.comfyagent.instrument.emit.ProcessIdentity.of(
                "other", "0.1.0", "render-08", 7, 1_764_065_730_001L));
    Span there =
        OtlpReceiver.parseTraces(
                new String(
                    elsewhere.spans(List.of(call("a", 1, 0, null, null, "order-42")), n -> true),
                    StandardCharsets.UTF_8))
            .getResourceSpans(0)
            .getScopeSpans(0)
            .getSpans(0);
    assertThat(here.getTraceId()).isEqualTo(there.getTraceId());
    assertThat(here.getSpanId()).as("unique per process").isNotEqualTo(there.getSpanId());
    assertThat(hex(here.getTraceId())).hasSize(32).isNotEqualTo("0".repeat(32));
    assertThat(attributes(here.getAttributesList()))
        .containsEntry("comfyagent.correlation_id", "order-42");
  }

  @Test
  void aToolNamePastTheBoundIsNamedOtherInTheSpanNameOnly() throws Exception {
    Span span =
        spans(List.of(call("ghost", 1, 0, null, null, TRACE_ID)))
            .getResourceSpans(0)
            .getScopeSpans(0)
            .getSpans(0);
    assertThat(span.getName()).isEqualTo("execute_tool _other");
    assertThat(attributes(span.getAttributesList())).containsEntry("gen_ai.tool.name", "ghost");
  }

  private Map<String, Metric> metrics() throws Exception {
    ExportMetricsServiceRequest request =
        OtlpReceiver.parseMetrics(
            new String(json.metrics(known.reader.read()), StandardCharsets.UTF_8));
    assertThat(attributes(request.getResourceMetrics(0).getResource().getAttributesList()))
        .containsEntry("service.instance.id", known.identity.instanceId());
    return request.getResourceMetrics(0).getScopeMetrics(0).getMetricsList().stream()
        .collect(Collectors.toMap(Metric::getName, m -> m));
  }

  @Test
  void theDurationIsACumulativeExplicitBucketHistogramInSeconds() throws Exception {
    Metric duration = metrics().get("mcp.server.operation.duration");
    assertThat(duration.getUnit()).isEqualTo("s");
    assertThat(duration.getHistogram().getAggregationTemporalityValue()).isEqualTo(2);
    HistogramDataPoint point =
        duration.getHistogram().getDataPointsList().stream()
            .filter(
                p ->
                    attributes(p.getAttributesList())
                        .get("gen_ai.tool.name")
                        .equals("load_workflow"))
            .findFirst()
            .orElseThrow();
    assertThat(point.getCount()).isEqualTo(6);
    assertThat(point.getExplicitBoundsList()).hasSize(DurationBuckets.count());
    assertThat(point.getExplicitBounds(0)).isEqualTo(0.0005);
    assertThat(point.getBucketCountsList()).hasSize(DurationBuckets.count() + 1);
    assertThat(point.getBucketCountsList().stream().mapToLong(Long::longValue).sum()).isEqualTo(6);
    // 300 µs; 700 µs twice; 4 ms; 40 ms; 2.5 s
    assertThat(point.getBucketCounts(0)).isEqualTo(1);
    assertThat(point.getBucketCounts(1)).isEqualTo(2);
    assertThat(point.getBucketCounts(3)).isEqualTo(1);
    assertThat(point.getBucketCounts(6)).isEqualTo(1);
    assertThat(point.getBucketCounts(12)).isEqualTo(1);
    assertThat(point.getMin()).isEqualTo(0.0003);
    assertThat(point.getMax()).isBetween(2.5, 2.525);
    assertThat(point.getStartTimeUnixNano()).isEqualTo(1_764_065_730_001_000_000L);
  }

  @Test
  void countersAreMonotonicCumulativeSumsAndStateAGauge() throws Exception {
    Map<String, Metric> metrics = metrics();
    Metric calls = metrics.get("comfyagent.tool.calls");
    assertThat(calls.getSum().getIsMonotonic()).isTrue();
    assertThat(calls.getSum().getAggregationTemporalityValue()).isEqualTo(2);
    Map<String, Long> byToolAndOutcome =
        calls.getSum().getDataPointsList().stream()
            .collect(
                Collectors.toMap(
                    p ->
                        attributes(p.getAttributesList()).get("gen_ai.tool.name")
                            + "/"
                            + attributes(p.getAttributesList()).get("outcome"),
                    NumberDataPoint::getAsInt));
    assertThat(byToolAndOutcome)
        .containsEntry("load_workflow/ok", 4L)
        .containsEntry("load_workflow/error", 2L)
        .containsEntry("search_nodes/ok", 1L);
    NumberDataPoint state =
        metrics.get("comfyagent.circuit_breaker.state").getGauge().getDataPoints(0);
    assertThat(attributes(state.getAttributesList())).containsEntry("state", "OPEN");
    assertThat(
            metrics.get("comfyagent.rate_limiter.rejections").getSum().getDataPoints(0).getAsInt())
        .isEqualTo(1);
    assertThat(metrics.get("comfyagent.sessions.active").getGauge().getDataPoints(0).getAsInt())
        .isEqualTo(2);
    assertThat(metrics.get("hw.gpu.utilization").getGauge().getDataPoints(0).getAsDouble())
        .isEqualTo(0.37);
    assertThat(metrics.get("hw.gpu.memory.limit").getGauge().getDataPoints(0).getAsInt())
        .isEqualTo(25_757_220_864L);
    assertThat(
            metrics
                .get("comfyagent.agent.trace_lines.dropped")
                .getSum()
                .getDataPoints(0)
                .getAsInt())
        .isEqualTo(2);
    assertThat(metrics)
        .containsKeys("comfyagent.agent.otlp.spans.dropped", "comfyagent.memory.probe.value");
  }
}
