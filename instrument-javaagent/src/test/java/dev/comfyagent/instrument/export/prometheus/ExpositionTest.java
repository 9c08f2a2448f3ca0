package dev.comfyagent.instrument.export.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfyagent.instrument.export.KnownFigures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExpositionTest {

  private final KnownFigures known =
      new KnownFigures(2)
          .calls("load_workflow", List.of(300L, 700L, 700L, 4_000L, 40_000L, 2_500_000L), 3)
          .calls("search_nodes", List.of(150L), 0)
          .calls("ghost", List.of(9L), 0)
          .breaker("comfyui", "OPEN", 1)
          .limiter("comfyui", 42, 1)
          .sessions(2)
          .hooks();

  private String write(ExpositionFormat format) {
    StringBuilder out = new StringBuilder();
    Exposition.write(known.reader.read(), known.identity, format, out);
    return out.toString();
  }

  @Test
  void openMetricsHasTheCallCounterPerToolAndOutcomeAndEndsWithEof() {
    String text = write(ExpositionFormat.OPENMETRICS);
    assertThat(text)
        .contains("# TYPE comfyagent_tool_calls counter\n")
        .contains(
            "comfyagent_tool_calls_total{gen_ai_tool_name=\"load_workflow\",outcome=\"ok\"} 4\n")
        .contains(
            "comfyagent_tool_calls_total{gen_ai_tool_name=\"load_workflow\",outcome=\"error\"} 2\n")
        .contains("comfyagent_tool_calls_total{gen_ai_tool_name=\"_other\",outcome=\"ok\"} 1\n")
        .endsWith("\n# EOF\n");
    assertThat(text).doesNotContain("ghost");
  }

  @Test
  void theDurationIsAClassicHistogramInSecondsWithFixedCumulativeBuckets() {
    String text = write(ExpositionFormat.OPENMETRICS);
    assertThat(text)
        .contains("# TYPE mcp_server_operation_duration_seconds histogram\n")
        .contains("# UNIT mcp_server_operation_duration_seconds seconds\n");
    String series =
        "mcp_server_operation_duration_seconds_bucket{mcp_method_name=\"tools/call\","
            + "gen_ai_operation_name=\"execute_tool\",gen_ai_tool_name=\"load_workflow\",le=";
    assertThat(text)
        .contains(series + "\"0.0005\"} 1\n")
        .contains(series + "\"0.001\"} 3\n")
        .contains(series + "\"0.005\"} 4\n")
        .contains(series + "\"0.05\"} 5\n")
        .contains(series + "\"2.0\"} 5\n")
        .contains(series + "\"5.0\"} 6\n")
        .contains(series + "\"1800.0\"} 6\n")
        .contains(series + "\"+Inf\"} 6\n")
        .contains(
            "mcp_server_operation_duration_seconds_count{mcp_method_name=\"tools/call\","
                + "gen_ai_operation_name=\"execute_tool\",gen_ai_tool_name=\"load_workflow\"} 6\n");
    List<Long> counts = new ArrayList<>();
    text.lines()
        .filter(l -> l.startsWith(series))
        .forEach(l -> counts.add(Long.parseLong(l.substring(l.lastIndexOf(' ') + 1))));
    assertThat(counts).hasSize(21).isSorted();
  }

  @Test
  void theIdentityIsOneTargetInfoSampleWithEscapedValues() {
    String om = write(ExpositionFormat.OPENMETRICS);
    assertThat(om)
        .startsWith("# TYPE target info\n# HELP target Target metadata\n")
        .contains(
            "target_info{service_name=\"studio \\\"a\\\"\",service_instance_id=\""
                + known.identity.instanceId()
                + "\",telemetry_distro_name=\"comfy-agent\",telemetry_distro_version=\"0.1.0\"} 1\n");
    assertThat(write(ExpositionFormat.PROMETHEUS_TEXT))
        .startsWith("# TYPE target_info gauge\n# HELP target_info Target metadata\n");
  }

  @Test
  void breakerStateIsAStateSetInOpenMetricsAndAGaugeInPrometheusText() {
    String om = write(ExpositionFormat.OPENMETRICS);
    assertThat(om)
        .contains("# TYPE comfyagent_circuit_breaker_state stateset\n")
        .contains(
            "comfyagent_circuit_breaker_state{breaker=\"comfyui\","
                + "comfyagent_circuit_breaker_state=\"OPEN\"} 1\n")
        .contains(
            "comfyagent_circuit_breaker_state{breaker=\"comfyui\","
                + "comfyagent_circuit_breaker_state=\"CLOSED\"} 0\n")
        .contains("comfyagent_circuit_breaker_transitions_total{breaker=\"comfyui\"} 1\n");
    String text = write(ExpositionFormat.PROMETHEUS_TEXT);
    assertThat(text)
        .contains("# TYPE comfyagent_circuit_breaker_state gauge\n")
        .contains("# TYPE comfyagent_circuit_breaker_transitions_total counter\n")
        .doesNotContain("# EOF")
        .doesNotContain("# UNIT");
  }

  @Test
  void limitersSessionsMemoryGpuAndTheAgentsHealthAreExposed() {
    String text = write(ExpositionFormat.OPENMETRICS);
    assertThat(text)
        .contains("comfyagent_rate_limiter_permits_total{rate_limiter=\"comfyui\"} 42\n")
        .contains("comfyagent_rate_limiter_rejections_total{rate_limiter=\"comfyui\"} 1\n")
        .contains("comfyagent_sessions_active 2\n")
        .contains("comfyagent_memory_heap_used_bytes 35179224\n")
        .contains("comfyagent_memory_probe_value{probe=\"node_catalog\"} 52\n")
        .contains(
            "hw_gpu_utilization_ratio{hw_id=\"0\",hw_type=\"gpu\",hw_name=\"NVIDIA GeForce RTX"
                + " 4090\"} 0.37\n")
        .contains("hw_gpu_memory_usage_bytes{hw_id=\"0\"")
        .contains("# UNIT hw_gpu_memory_limit_bytes bytes\n")
        .contains("comfyagent_agent_trace_lines_written_total 11\n")
        .contains("comfyagent_agent_trace_lines_dropped_total 2\n")
        .contains("comfyagent_agent_tool_calls_observable 1\n")
        .contains("comfyagent_agent_tool_calls_folded_total 1\n")
        .contains("comfyagent_agent_tool_names_tracked 3\n")
        .contains("comfyagent_agent_tool_names_limit 2\n")
        .contains("comfyagent_agent_otlp_spans_dropped_total 0\n");
  }

  @Test
  void everySampleLineNamesAFamilyDeclaredBeforeIt() {
    for (ExpositionFormat format : ExpositionFormat.values()) {
      List<String> declared = new ArrayList<>();
      for (String line : write(format).lines().toList()) {
        if (line.startsWith("# TYPE ")) {
          declared.add(line.split(" ")[2]);
        } else if (!line.startsWith("#")) {
          String name = line.substring(0, line.indexOf(line.contains("{") ? '{' : ' '));
          assertThat(declared)
              .as(format + ": " + line)
              .anyMatch(
                  family ->
                      name.equals(family)
                          || (name.startsWith(family + "_")
                              && List.of("_total", "_bucket", "_sum", "_count", "_info")
                                  .contains(name.substring(family.length()))));
        }
      }
    }
  }

  @Test
  void numbersAreWrittenPlainWithADecimalPointAndLabelValuesEscaped() {
    assertThat(Exposition.number(0.0005)).isEqualTo("0.0005");
    assertThat(Exposition.number(1)).isEqualTo("1.0");
    assertThat(Exposition.number(1800)).isEqualTo("1800.0");
    assertThat(Exposition.number(1.5e-7)).isEqualTo("0.00000015");
    assertThat(Exposition.escape("a\\b\"c\nd")).isEqualTo("a\\\\b\\\"c\\nd");
    assertThat(Exposition.escape("plain")).isSameAs("plain");
  }
}
