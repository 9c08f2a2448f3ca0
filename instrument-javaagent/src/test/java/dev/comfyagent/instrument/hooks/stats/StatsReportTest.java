package dev.comfyagent.instrument.hooks.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfyagent.instrument.host.MethodHandleHostReader;
import dev.comfyagent.instrument.record.AgentHealth;
import dev.comfyagent.instrument.record.AgentStats;
import dev.comfyagent.instrument.record.CircuitBreakerBoard;
import dev.comfyagent.instrument.record.RateLimiterBoard;
import dev.comfyagent.instrument.record.SessionGauge;
import dev.comfyagent.instrument.record.ToolStatsRegistry;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StatsReportTest {

  private final ToolStatsRegistry tools = new ToolStatsRegistry(100);
  private final CircuitBreakerBoard breakers = new CircuitBreakerBoard();
  private final RateLimiterBoard limiters = new RateLimiterBoard();
  private final AgentHealth health = new AgentHealth(false);
  private final Object registry = new Object();
  private final SessionGauge sessions = new SessionGauge(r -> 2);
  private final Map<String, Map<String, ?>> sections = new LinkedHashMap<>();
  private StatsReport report;

  @BeforeEach
  void record() {
    for (int i = 1; i <= 4; i++) {
      tools.forName("load_workflow").record(TimeUnit.MILLISECONDS.toNanos(10 * i), i != 4);
    }
    tools.forName("execute_workflow").record(TimeUnit.MILLISECONDS.toNanos(4210), true);
    tools.forName("still_running"); // a call in progress: counted when it ends
    breakers.created("comfyui", breakers, "CLOSED");
    breakers.transition("comfyui", breakers, "CLOSED", "OPEN", 1_000L);
    limiters.created("comfyui");
    limiters.permission("comfyui", true);
    limiters.permission("comfyui", false);
    sessions.registryCreated(registry);
    health.classInstrumented("a.B");
    Map<String, Object> memory = new LinkedHashMap<>();
    memory.put("heap_used_bytes", 100L * 1024 * 1024);
    memory.put("heap_max_bytes", 1024L * 1024 * 1024);
    Map<String, Object> probes = new LinkedHashMap<>();
    probes.put("node_catalog", Map.of("value", 1342L, "instances", 1, "max", 1342L));
    probes.put("undo_history_depth", Map.of("value", 3L, "instances", 4, "max", 3L));
    probes.put("tiles", Map.of("skipped", "class com.acme.Tiles is not on the class path"));
    Map<String, Object> waiting = new LinkedHashMap<>();
    waiting.put("value", null);
    waiting.put("instances", 0);
    probes.put("waiting", waiting);
    memory.put("probes", probes);
    sections.put("memory", memory);
    Map<String, Object> gpu = new LinkedHashMap<>();
    gpu.put("mode", "auto");
    gpu.put("source", "nvidia-smi");
    gpu.put(
        "last",
        Map.of(
            "at",
            "2026-11-25T10:15:30.120Z",
            "gpu",
            0,
            "name",
            "RTX 4090",
            "text",
            "(GPU: 98%, VRAM: 12.4/24GB)"));
    gpu.put("errors", Map.of("timeout", 2L));
    gpu.put("last_error", "timeout: /usr/local/nvidia/bin/nvidia-smi did not finish");
    sections.put("gpu", gpu);
    sections.put("custom", Map.of("x", 1));
    report =
        new StatsReport(
            new AgentStats(
                System.nanoTime() - TimeUnit.SECONDS.toNanos(125),
                tools,
                breakers,
                limiters,
                sessions,
                health,
                new MethodHandleHostReader(),
                () -> 7,
                () -> 1,
                () -> sections),
            Path.of("/var/log/comfy-agent"),
            () -> "0.1.0");
  }

  @Test
  void theWholeReportIsATableAndTheSameFiguresAsJson() {
    StatsReport.Answer answer = report.answer(List.of("load_workflow", "execute_workflow"), null);

    assertThat(answer.isError()).isFalse();
    assertThat(answer.text())
        .startsWith("instrument-javaagent 0.1.0: up 2m 05s; figures since start")
        .contains("(metrics.jsonl and traces.jsonl in .../comfy-agent)")
        .doesNotContain("/var/log")
        .containsPattern("TOOL +CALLS +OK +ERR +P50 ms +P95 ms +P99 ms +MAX ms")
        .containsPattern("execute_workflow +1 +1 +0 +42\\d\\d +42\\d\\d +42\\d\\d +42\\d\\d")
        .containsPattern("load_workflow +4 +3 +1 +20\\.\\d +40\\.\\d +40\\.\\d +40\\.\\d")
        .contains("Circuit breakers: comfyui OPEN, 1 transition")
        .contains("Rate limiters:    comfyui 1 rejected of 2")
        .contains("Sessions:         2 active")
        .contains("Memory:           heap 100.0 of 1024.0 MiB; node_catalog 1342;")
        .contains(
            "undo_history_depth 3 (4 instances, largest 3); tiles skipped; waiting no instance yet")
        .contains(
            "GPU:              nvidia-smi, last read 2026-11-25T10:15:30.120Z: GPU 0 RTX 4090")
        .contains("(GPU: 98%, VRAM: 12.4/24GB); 2 read errors {timeout=2}")
        .contains(
            "Agent:            1 classes instrumented, 0 could not be, 7 trace lines written,"
                + " 1 dropped, 0 internal errors swallowed")
        .doesNotContain("/usr/local/nvidia")
        .doesNotContain("still_running");

    Map<String, Object> json = answer.structured();
    assertThat(json.get("agent_version")).isEqualTo("0.1.0");
    assertThat((Long) json.get("uptime_ms")).isGreaterThanOrEqualTo(125_000L);
    Map<?, ?> load = (Map<?, ?>) ((Map<?, ?>) json.get("tools")).get("load_workflow");
    assertThat(load.get("calls")).isEqualTo(4L);
    assertThat(load.get("ok")).isEqualTo(3L);
    assertThat(load.get("err")).isEqualTo(1L);
    assertThat(((Map<?, ?>) json.get("tools")).containsKey("still_running")).isFalse();
    assertThat((Double) load.get("p50_ms")).isBetween(19.8, 20.2);
    assertThat(json.get("sessions")).isEqualTo(Map.of("active", 2));
    assertThat(json.get("circuit_breakers"))
        .isEqualTo(Map.of("comfyui", Map.of("state", "OPEN", "transitions", 1L)));
    assertThat(json.get("rate_limiters"))
        .isEqualTo(Map.of("comfyui", Map.of("permitted", 1L, "rejected", 1L)));
    assertThat(((Map<?, ?>) json.get("gpu")).containsKey("last_error")).isFalse();
    assertThat(json.get("custom")).isEqualTo(Map.of("x", 1));
    Map<?, ?> agent = (Map<?, ?>) json.get("agent");
    assertThat(agent.get("trace_lines_dropped")).isEqualTo(1L);
    assertThat(agent.get("tool_calls_folded")).isEqualTo(0L);
    assertThat(agent.get("output_dir")).isEqualTo(".../comfy-agent");
  }

  @Test
  void oneToolNarrowsTheReportToItsRow() {
    StatsReport.Answer answer = report.answer(List.of("load_workflow"), "execute_workflow");

    assertThat(answer.isError()).isFalse();
    assertThat(answer.text()).contains("execute_workflow").doesNotContain("load_workflow");
    assertThat(((Map<?, ?>) answer.structured().get("tools")).keySet())
        .isEqualTo(java.util.Set.of("execute_workflow"));
    assertThat(answer.structured()).doesNotContainKey("memory");
  }

  @Test
  void aServedToolNotCalledYetShowsZeros() {
    StatsReport.Answer answer = report.answer(List.of("list_models"), "list_models");

    assertThat(answer.text()).containsPattern("list_models +0 +0 +0 +- +- +- +-");
    assertThat(((Map<?, ?>) answer.structured().get("tools")).get("list_models"))
        .isEqualTo(Map.of("calls", 0L, "ok", 0L, "err", 0L));
  }

  @Test
  void anUnknownToolIsAnErrorNamingTheKnownOnes() {
    StatsReport.Answer answer = report.answer(List.of("list_models"), "lod_workflow");

    assertThat(answer.isError()).isTrue();
    assertThat(answer.text())
        .isEqualTo(
            "unknown tool 'lod_workflow': no tool of that name was called or is served here."
                + " Known tools: execute_workflow, list_models, load_workflow, still_running. Call without 'tool'"
                + " for every tool's figures.");
    assertThat(answer.structured()).isNull();
  }

  @Test
  void callsFoldedPastTheToolBoundAreCountedInTheAgentLine() {
    ToolStatsRegistry bounded = new ToolStatsRegistry(2);
    for (String name : List.of("a", "b", "c", "d", "c")) {
      bounded.forName(name).record(1_000_000L, true);
    }
    StatsReport.Answer answer =
        new StatsReport(
                new AgentStats(
                    System.nanoTime(),
                    bounded,
                    new CircuitBreakerBoard(),
                    new RateLimiterBoard(),
                    new SessionGauge(r -> 0),
                    health,
                    new MethodHandleHostReader(),
                    () -> 0,
                    () -> 0,
                    Map::of),
                Path.of("logs"),
                () -> "0.1.0")
            .answer(List.of(), null);

    assertThat(answer.text())
        .contains("; 3 calls of tools past metrics.tools.max=2 counted under _other")
        .containsPattern("_other +3 ");
    assertThat(((Map<?, ?>) answer.structured().get("agent")).get("tool_calls_folded"))
        .isEqualTo(3L);
  }

  @Test
  void withNothingRecordedTheReportSaysSo() {
    StatsReport empty =
        new StatsReport(
            new AgentStats(
                System.nanoTime(),
                new ToolStatsRegistry(10),
                new CircuitBreakerBoard(),
                new RateLimiterBoard(),
                new SessionGauge(r -> 0),
                health,
                new MethodHandleHostReader(),
                () -> 0,
                () -> 0,
                Map::of),
            Path.of("logs"),
            () -> "0.1.0");
    String text = empty.answer(List.of(), null).text();
    assertThat(text)
        .contains("No tool calls yet.")
        .contains("Circuit breakers: none seen")
        .contains("Rate limiters:    none seen")
        .contains("Sessions:         no session registry seen")
        .contains("Memory:           not measured")
        .contains("GPU:              not sampled");
  }

  @Test
  void durationsReadAsHoursMinutesAndSeconds() {
    assertThat(StatsReport.duration(4_321)).isEqualTo("4.3s");
    assertThat(StatsReport.duration(125_000)).isEqualTo("2m 05s");
    assertThat(StatsReport.duration(3_725_000)).isEqualTo("1h 02m 05s");
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({
    "/srv/app/logs, /srv/app, logs",
    "/srv/app/out/../logs, /srv/app, logs",
    "/srv/app, /srv/app, .",
    "/home/alice/agent-logs, /srv/app, .../agent-logs",
    "/, /srv/app, ..."
  })
  void theOutputFolderIsShownRelativeToTheWorkingDirectoryNeverAsAnAbsolutePath(
      String outputDir, String workingDir, String shown) {
    assertThat(StatsReport.shownOutputDir(Path.of(outputDir), Path.of(workingDir)))
        .isEqualTo(shown);
  }
}
