package dev.comfyagent.instrument.report;

import dev.comfyagent.instrument.emit.HistogramLogFile;
import dev.comfyagent.instrument.emit.ProcessIdentity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * A known run written in the agent's formats, at fixed times: ten one-minute intervals of one
 * process with a breaker that opens and closes, a rate limiter that rejects, sessions, memory
 * probes, GPU samples, the latency log of every interval, and traces with chains, renders, a
 * secret-free summary holding markup, and one broken line.
 */
final class SyntheticRun {

  static final long T0 = Instant.parse("2026-11-25T10:00:00Z").toEpochMilli();
  static final String INSTANCE = "render-07-1-20261125T095900000Z";
  static final int INTERVALS = 10;

  /** Every load_workflow latency (µs) written, for exact comparisons. */
  final Histogram loads = new Histogram(1, 3_600_000_000L, 2);

  long loadCalls;
  long loadErrors;
  int renders;

  void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    ProcessIdentity identity =
        ProcessIdentity.of("agent-runtime", "0.1.0", "render-07", 1, T0 - 60_000);
    List<String> metrics = new ArrayList<>();
    List<String> traces = new ArrayList<>();
    try (HistogramLogFile log = new HistogramLogFile(dir.resolve("latency.hlog"), 0, 0, identity)) {
      long totalPermitted = 0;
      for (int i = 0; i < INTERVALS; i++) {
        long start = T0 + i * 60_000L;
        long end = start + 60_000;
        int calls = 5 + i;
        int errors = i == 3 ? 2 : 0;
        Histogram interval = log.scratch("load_workflow");
        for (int c = 0; c < calls; c++) {
          long micros = 1_000 + 137L * c + (i == 7 && c == 0 ? 2_000_000 : 0);
          interval.recordValue(micros);
          loads.recordValue(micros);
          long callStart = start + 1_000 + c * 3_000L;
          boolean ok = c >= errors;
          String chain = String.format(Locale.ROOT, "chain-%02d-%02d", i, c);
          traces.add(
              trace(
                  callStart,
                  chain,
                  "load_workflow",
                  micros,
                  ok,
                  1,
                  0,
                  c == 0 ? "path=<script>alert(1)</script>" : "path=/w" + c + ".json"));
          if (c == 1) {
            traces.add(
                trace(callStart + 1, chain, "search_nodes", 400, true, 2, 1, "query=sampler"));
          }
        }
        if (i % 2 == 0) {
          renders++;
          traces.add(
              trace(
                  start + 30_000,
                  "render-" + i,
                  "execute_workflow",
                  4_000_000 + i * 10_000L,
                  true,
                  1,
                  0,
                  "seed=" + i));
        }
        log.writeInterval(start, end);
        loadCalls += calls;
        loadErrors += errors;
        totalPermitted += 20;
        String transitions =
            i == 3
                ? "[{\"breaker\":\"comfyui\",\"from\":\"CLOSED\",\"to\":\"OPEN\",\"ts\":\""
                    + iso(start + 20_000)
                    + "\"}]"
                : i == 4
                    ? "[{\"breaker\":\"comfyui\",\"from\":\"OPEN\",\"to\":\"HALF_OPEN\",\"ts\":\""
                        + iso(start + 10_000)
                        + "\"},{\"breaker\":\"comfyui\",\"from\":\"HALF_OPEN\",\"to\":\"CLOSED\",\"ts\":\""
                        + iso(start + 40_000)
                        + "\"}]"
                    : "[]";
        String state = i == 3 ? "OPEN" : "CLOSED";
        boolean last = i == INTERVALS - 1;
        metrics.add(
            "{\"ts\":\""
                + iso(end)
                + "\",\"type\":\""
                + (last ? "final" : "interval")
                + "\",\"pid\":1,"
                + "\"service.name\":\"agent-runtime\",\"service.instance.id\":\""
                + INSTANCE
                + "\","
                + "\"telemetry.distro.version\":\"0.1.0\",\"uptime_ms\":"
                + (end - T0 + 60_000)
                + ",\"interval_ms\":60000,\"interval\":{\"tools\":{\"load_workflow\":{\"calls\":"
                + calls
                + ",\"ok\":"
                + (calls - errors)
                + ",\"err\":"
                + errors
                + "}},"
                + "\"rate_limiters\":{\"comfyui\":{\"permitted\":20,\"rejected\":"
                + (i == 3 ? 4 : 0)
                + "}},"
                + "\"circuit_breaker_transitions\":"
                + transitions
                + ",\"sessions_peak\":"
                + (i % 3 + 1)
                + "},"
                + "\"total\":{\"tools\":{\"load_workflow\":{\"calls\":"
                + loadCalls
                + ",\"ok\":"
                + (loadCalls - loadErrors)
                + ",\"err\":"
                + loadErrors
                + ",\"p50_ms\":"
                + millis(loads.getValueAtPercentile(50))
                + ",\"p95_ms\":"
                + millis(loads.getValueAtPercentile(95))
                + ",\"p99_ms\":"
                + millis(loads.getValueAtPercentile(99))
                + ",\"max_ms\":"
                + millis(loads.getMaxValue())
                + "}},\"rate_limiters\":{\"comfyui\":{\"permitted\":"
                + totalPermitted
                + ",\"rejected\":4}}},"
                + "\"circuit_breakers\":{\"comfyui\":{\"state\":\""
                + state
                + "\",\"transitions\":"
                + (i >= 4 ? 3 : i == 3 ? 1 : 0)
                + "}},"
                + "\"sessions\":{\"active\":"
                + (i % 3)
                + "},"
                + "\"agent\":{\"classes_instrumented\":31,\"instrumentation_failures\":0,\"trace_lines_written\":"
                + traces.size()
                + ",\"trace_lines_dropped\":"
                + (last ? 3 : 0)
                + ",\"circuit_breaker_transitions_unlisted\":0,\"internal_errors\":0},"
                + "\"memory\":{\"heap_used_bytes\":"
                + (100L << 20) * (1 + i % 4)
                + ",\"heap_max_bytes\":"
                + (2048L << 20)
                + ",\"probes\":{\"node_catalog\":{\"value\":"
                + (i == 6 ? 900 : 52)
                + ",\"instances\":1,\"max\":52}}},"
                + "\"gpu\":{\"mode\":\"auto\",\"source\":\"nvidia-smi\",\"last\":{\"at\":\""
                + iso(end - 500)
                + "\",\"utilization_pct\":"
                + (i % 2 == 0 ? 97 : 3)
                + ",\"vram_used_bytes\":"
                + (6L << 30)
                + ",\"vram_total_bytes\":"
                + (24L << 30)
                + "},\"errors\":{}}}");
      }
    }
    traces.add("{\"ts\":\"2026-11-25T10:05:00.000Z\",\"tool_name\":\"cut");
    Files.write(dir.resolve("metrics.jsonl"), metrics, StandardCharsets.UTF_8);
    Files.write(dir.resolve("traces.jsonl"), traces, StandardCharsets.UTF_8);
  }

  private static String trace(
      long start,
      String chain,
      String tool,
      long micros,
      boolean ok,
      int seq,
      int parent,
      String summary) {
    return "{\"ts\":\""
        + iso(start)
        + "\",\"correlation_id\":\""
        + chain
        + "\",\"tool_name\":\""
        + tool
        + "\",\"duration_ms\":"
        + millis(micros)
        + ",\"success\":"
        + ok
        + ",\"input_summary\":\""
        + summary.replace("\"", "\\\"")
        + "\",\"seq\":"
        + seq
        + ",\"parent\":"
        + (parent == 0 ? "null" : parent)
        + ",\"error.type\":"
        + (ok ? "null" : "\"tool_error\"")
        + ",\"service.name\":\"agent-runtime\","
        + "\"service.instance.id\":\""
        + INSTANCE
        + "\",\"telemetry.distro.version\":\"0.1.0\"}";
  }

  static String iso(long millis) {
    return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
        .withZone(java.time.ZoneOffset.UTC)
        .format(Instant.ofEpochMilli(millis));
  }

  static String millis(long micros) {
    return java.math.BigDecimal.valueOf(micros, 3).toPlainString();
  }
}
