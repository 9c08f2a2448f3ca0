package dev.comfyagent.it.export;

import static dev.comfyagent.it.harness.OtlpReceiver.hex;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfyagent.it.fixture.BusyToolHost;
import dev.comfyagent.it.harness.AgentOutput;
import dev.comfyagent.it.harness.ChildJvm;
import dev.comfyagent.it.harness.OtlpReceiver;
import dev.comfyagent.it.harness.PackagedJars;
import dev.comfyagent.it.harness.PrometheusServer;
import dev.comfyagent.it.harness.RuntimeServer;
import dev.comfyagent.simulator.ComfyUiSimulator;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The packaged agent sends OTLP/HTTP JSON to a collector on loopback, which decodes every request
 * with the official {@code io.opentelemetry.proto} classes: one span per call with the MCP
 * attributes, the client's {@code traceparent} as trace and parent, tools called inside tools as
 * child spans, the process's identity as the resource, metric points equal to metrics.jsonl's final
 * figures, a 503 with {@code Retry-After} sent again; and a dead endpoint costs the host's tool
 * calls nothing: every call is still counted and every span sent or counted as dropped.
 */
class OtlpExportIT {

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CLIENT_SPAN = "00f067aa0ba902b7";

  private static Map<String, String> attributes(List<KeyValue> attributes) {
    return attributes.stream()
        .collect(Collectors.toMap(KeyValue::getKey, kv -> kv.getValue().getStringValue()));
  }

  @Test
  void theRuntimesCallsArriveAsSpansAndItsFiguresAsMetricPoints() throws Exception {
    Path dir = PackagedJars.workDir("otlp-runtime");
    try (OtlpReceiver collector = new OtlpReceiver().thenAnswer(503, 1);
        ComfyUiSimulator comfy =
            ComfyUiSimulator.builder().port(0).stepDelay(Duration.ofMillis(5)).start()) {
      try (RuntimeServer runtime =
          RuntimeServer.with(dir.resolve("runtime"), comfy)
              .agent(
                  "output.dir="
                      + dir.resolve("logs")
                      + ",otlp.endpoint="
                      + collector.endpoint()
                      + ",otlp.interval=1s,gpu=off")
              .start()) {
        runtime
            .mcp()
            .call(
                "load_workflow",
                Map.of("workflow", RuntimeServer.workflow()),
                Map.of("traceparent", "00-" + TRACE_ID + "-" + CLIENT_SPAN + "-01"));
        runtime.call("load_workflow", Map.of("workflow", "{not json"));
        for (int i = 0; i < 8; i++) {
          runtime.call("search_nodes", Map.of("query", "sampler"));
        }
        runtime.stop();
      }
      AgentOutput output = new AgentOutput(dir.resolve("logs"));
      JsonNode last = output.finalMetrics();

      List<Span> spans = collector.spans();
      assertThat(spans).hasSize(output.traces().size()).hasSize(10);
      Span traced =
          spans.stream()
              .filter(s -> hex(s.getTraceId()).equals(TRACE_ID))
              .findFirst()
              .orElseThrow();
      assertThat(traced.getName()).isEqualTo("execute_tool load_workflow");
      assertThat(hex(traced.getParentSpanId())).isEqualTo(CLIENT_SPAN);
      assertThat(traced.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
      assertThat(attributes(traced.getAttributesList()))
          .containsEntry("mcp.method.name", "tools/call")
          .containsEntry("gen_ai.tool.name", "load_workflow")
          .containsEntry("gen_ai.operation.name", "execute_tool")
          .containsKeys("mcp.session.id", "jsonrpc.request.id");
      assertThat(spans)
          .filteredOn(s -> s.getStatus().getCode().getNumber() == 2)
          .singleElement()
          .satisfies(
              failed ->
                  assertThat(attributes(failed.getAttributesList())).containsKey("error.type"));

      List<OtlpReceiver.Request> requests = collector.requests();
      assertThat(requests.get(0).status()).isEqualTo(503);
      assertThat(requests.get(1).path()).isEqualTo(requests.get(0).path());
      assertThat(requests.get(1).body()).isEqualTo(requests.get(0).body());
      assertThat(requests.get(1).atNanos() - requests.get(0).atNanos())
          .as("Retry-After: 1")
          .isGreaterThanOrEqualTo(950_000_000L);

      List<ExportMetricsServiceRequest> metrics = collector.metrics();
      ExportMetricsServiceRequest lastExport = metrics.get(metrics.size() - 1);
      assertThat(attributes(lastExport.getResourceMetrics(0).getResource().getAttributesList()))
          .containsEntry("service.instance.id", last.path("service.instance.id").asText())
          .containsEntry("service.name", last.path("service.name").asText())
          .containsEntry(
              "telemetry.distro.version", last.path("telemetry.distro.version").asText());
      Map<String, Metric> byName =
          lastExport.getResourceMetrics(0).getScopeMetrics(0).getMetricsList().stream()
              .collect(Collectors.toMap(Metric::getName, m -> m));
      Map<String, Long> calls = new HashMap<>();
      for (NumberDataPoint p : byName.get("comfyagent.tool.calls").getSum().getDataPointsList()) {
        Map<String, String> a = attributes(p.getAttributesList());
        calls.put(a.get("gen_ai.tool.name") + "/" + a.get("outcome"), p.getAsInt());
      }
      for (String tool : List.of("load_workflow", "search_nodes")) {
        JsonNode total = last.path("total").path("tools").path(tool);
        assertThat(calls.get(tool + "/ok")).isEqualTo(total.path("ok").asLong());
        assertThat(calls.get(tool + "/error")).isEqualTo(total.path("err").asLong());
        HistogramDataPoint histogram =
            byName.get("mcp.server.operation.duration").getHistogram().getDataPointsList().stream()
                .filter(p -> attributes(p.getAttributesList()).get("gen_ai.tool.name").equals(tool))
                .findFirst()
                .orElseThrow();
        assertThat(histogram.getCount()).isEqualTo(total.path("calls").asLong());
        assertThat(histogram.getMax() * 1000)
            .isCloseTo(
                total.path("max_ms").asDouble(), org.assertj.core.data.Offset.offset(0.0005));
        assertThat(histogram.getSum() / histogram.getCount() * 1000)
            .isCloseTo(
                total.path("mean_ms").asDouble(), org.assertj.core.data.Offset.offset(0.001));
      }
      assertThat(calls.get("load_workflow/ok")).isEqualTo(1);
      assertThat(calls.get("load_workflow/error")).isEqualTo(1);
      assertThat(calls.get("search_nodes/ok")).isEqualTo(8);
    }
  }

  @Test
  void aToolCalledInsideAToolIsAChildSpanOfItsCaller() throws Exception {
    Path dir = PackagedJars.workDir("otlp-chain");
    try (OtlpReceiver collector = new OtlpReceiver()) {
      try (ChildJvm host =
          ChildJvm.java()
              .agent(
                  "output.dir="
                      + dir.resolve("logs")
                      + ",gpu=off,otlp.endpoint="
                      + collector.endpoint()
                      + ",tools=dev.comfyagent.it.fixture.BusyToolHost$*#run")
              .classPath(PackagedJars.testClassPath())
              .main(BusyToolHost.class.getName())
              .args("1", "20")
              .workDir(dir)
              .start()) {
        assertThat(host.waitFor(Duration.ofMinutes(2))).as(host.stderr()).isZero();
      }
      List<Span> spans = collector.spans();
      assertThat(spans).hasSize(60);
      Map<com.google.protobuf.ByteString, Span> byId =
          spans.stream().collect(Collectors.toMap(Span::getSpanId, s -> s));
      List<Span> inner = spans.stream().filter(s -> !s.getParentSpanId().isEmpty()).toList();
      assertThat(inner).hasSize(20);
      for (Span child : inner) {
        Span parent = byId.get(child.getParentSpanId());
        assertThat(parent.getName()).isEqualTo("execute_tool Render#run");
        assertThat(child.getName()).isEqualTo("execute_tool Search#run");
        assertThat(child.getTraceId()).isEqualTo(parent.getTraceId());
        assertThat(child.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_INTERNAL);
      }
    }
  }

  @Test
  void aDeadEndpointLeavesEveryCallCountedAndEverySpanSentOrCountedAsDropped() throws Exception {
    Path dir = PackagedJars.workDir("otlp-dead");
    int dead = PrometheusServer.freePort();
    int rounds = 2000;
    try (ChildJvm host =
        ChildJvm.java()
            .agent(
                "output.dir="
                    + dir.resolve("logs")
                    + ",gpu=off,otlp.queue.size=64,otlp.timeout=200ms,otlp.endpoint=http://127.0.0.1:"
                    + dead
                    + ",tools=dev.comfyagent.it.fixture.BusyToolHost$*#run")
            .classPath(PackagedJars.testClassPath())
            .main(BusyToolHost.class.getName())
            .args("4", String.valueOf(rounds))
            .workDir(dir)
            .start()) {
      assertThat(host.waitFor(Duration.ofMinutes(3))).as(host.stderr()).isZero();
      assertThat(host.stdout().strip()).isEqualTo("done " + 4 * rounds * 3);
      assertThat(host.stderr()).contains("OTLP export to http://127.0.0.1:" + dead);
    }
    AgentOutput output = new AgentOutput(dir.resolve("logs"));
    long search = output.toolTotal("Search#run").path("calls").asLong();
    long render = output.toolTotal("Render#run").path("calls").asLong();
    assertThat(search).isEqualTo(2L * 4 * rounds);
    assertThat(render).isEqualTo(4L * rounds);
    JsonNode otlp = output.finalMetrics().path("export").path("otlp");
    assertThat(otlp.path("spans_exported").asLong()).isZero();
    assertThat(otlp.path("spans_dropped").asLong()).as(otlp.toString()).isPositive();
    assertThat(otlp.path("trace_requests_failed").asLong() + otlp.path("retries").asLong())
        .isPositive();
    assertThat(output.finalMetrics().path("agent").path("internal_errors").asLong()).isZero();
  }
}
