package dev.comfyagent.benchmarks.report;

import dev.comfyagent.benchmarks.overhead.AgentJars;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * Times {@code java -jar instrument-javaagent.jar report} as a user runs it, on a run of the size
 * the report must handle: a day of metrics lines (one a minute), the day's HdrHistogram interval
 * log, and a million trace lines in six rotated files, written here in the agent's formats with a
 * fixed seed (12 tools, chains of one to four calls, input summaries, renders, breaker changes).
 * Prints the median wall time of the command (JVM start included) and the page's size.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.comfyagent.benchmarks.report.ReportBenchmark
 *     [--traces 1000000] [--hours 24] [--runs 3] [--data DIR] [--agent-jar JAR]
 * </pre>
 *
 * <p>The data is written once to {@code --data} (default {@code benchmarks/target/report-data}) and
 * reused while its size matches.
 */
public final class ReportBenchmark {

  static final String[] TOOLS = {
    "load_workflow", "validate_workflow", "apply_workflow_patch", "undo_last_patch",
    "search_nodes", "get_node_info", "list_models", "execute_workflow",
    "get_workflow_summary", "save_session", "open_session", "add_note"
  };

  /** Typical latency of each tool in microseconds (execute_workflow renders). */
  static final long[] TYPICAL_MICROS = {
    4_000, 900, 1_500, 300, 1_200, 2_500, 25_000, 4_500_000, 800, 20_000, 15_000, 200
  };

  private static final DateTimeFormatter TS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);
  private static final long START = Instant.parse("2026-11-25T00:00:00Z").toEpochMilli();
  private static final String INSTANCE = "render-07-1-20261125T000000000Z";

  private ReportBenchmark() {}

  public static void main(String[] args) throws Exception {
    int traces = 1_000_000;
    int hours = 24;
    int runs = 3;
    Path data = Path.of("benchmarks/target/report-data");
    Path agentJar = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--traces" -> traces = Integer.parseInt(args[++i]);
        case "--hours" -> hours = Integer.parseInt(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--data" -> data = Path.of(args[++i]);
        case "--agent-jar" -> agentJar = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (agentJar == null) {
      agentJar =
          AgentJars.nextToBenchmarks()
              .agentJar()
              .orElseThrow(() -> new IllegalStateException("build instrument-javaagent first"));
    }
    Path logs = data.resolve("logs");
    Path marker = data.resolve("size-" + traces + "-" + hours + "h");
    if (!Files.exists(marker)) {
      long t0 = System.nanoTime();
      write(logs, traces, hours);
      Files.writeString(marker, "");
      System.out.printf(Locale.ROOT, "wrote the data in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }
    long bytes = 0;
    try (var files = Files.list(logs)) {
      for (Path f : files.toList()) {
        bytes += Files.size(f);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "input: %,d trace lines, %d h of metrics (one line a minute) and latency log: %.0f MB%n",
        traces,
        hours,
        bytes / 1e6);
    double[] seconds = new double[runs];
    Path page = data.resolve("report.html");
    for (int r = 0; r < runs; r++) {
      seconds[r] = time(agentJar, logs, page);
      System.out.printf(Locale.ROOT, "run %d: %.2f s%n", r + 1, seconds[r]);
    }
    Arrays.sort(seconds);
    System.out.printf(
        Locale.ROOT,
        "report: median %.2f s over %d runs (JVM start included); page %.2f MB%n",
        seconds[runs / 2],
        runs,
        Files.size(page) / (1024.0 * 1024));
  }

  private static double time(Path agentJar, Path logs, Path page) throws Exception {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar",
            agentJar.toString(),
            "report",
            logs.toString(),
            "-o",
            page.toString());
    long t0 = System.nanoTime();
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
      throw new IllegalStateException("report failed: " + output);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.print("  " + output);
    return seconds;
  }

  /** Writes the run: metrics.jsonl, latency.hlog and traces (rotated, oldest first). */
  static void write(Path logs, int traceLines, int hours) throws IOException {
    Files.createDirectories(logs);
    try (var old = Files.list(logs)) {
      for (Path f : old.toList()) {
        Files.delete(f);
      }
    }
    Random random = new Random(42);
    int minutes = hours * 60;
    long end = START + minutes * 60_000L;
    writeTraces(logs, traceLines, random, end);
    writeMetricsAndLog(logs, minutes, random);
  }

  private static void writeTraces(Path logs, int lines, Random random, long end)
      throws IOException {
    int files = 6;
    int perFile = (lines + files - 1) / files;
    long step = Math.max(1, (end - START) / Math.max(1, lines));
    int written = 0;
    long chain = 0;
    int chainLeft = 0;
    int seq = 0;
    for (int f = files - 1; f >= 0 && written < lines; f--) {
      Path file = logs.resolve(f == 0 ? "traces.jsonl" : "traces." + f + ".jsonl");
      try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        for (int i = 0; i < perFile && written < lines; i++, written++) {
          if (chainLeft == 0) {
            chain++;
            chainLeft = 1 + random.nextInt(4);
            seq = 0;
          }
          chainLeft--;
          seq++;
          int tool = random.nextInt(TOOLS.length);
          long micros = latency(random, tool);
          boolean ok = random.nextInt(40) != 0;
          long ts = START + written * step;
          out.write("{\"ts\":\"");
          out.write(TS.format(Instant.ofEpochMilli(ts)));
          out.write("\",\"correlation_id\":\"");
          out.write(String.format(Locale.ROOT, "%032x", chain * 0x9E3779B97F4A7C15L));
          out.write("\",\"tool_name\":\"");
          out.write(TOOLS[tool]);
          out.write("\",\"duration_ms\":");
          out.write(millis(micros));
          out.write(",\"success\":");
          out.write(ok ? "true" : "false");
          out.write(",\"input_summary\":\"workflow=portrait-");
          out.write(Integer.toString(random.nextInt(500)));
          out.write(".json, query=sampler with refiner, api_token=[redacted]\",\"seq\":");
          out.write(Integer.toString(seq));
          out.write(",\"parent\":");
          out.write(seq == 1 ? "null" : "1");
          out.write(",\"error.type\":");
          out.write(ok ? "null" : "\"tool_error\"");
          out.write(",\"mcp.method.name\":\"tools/call\",\"gen_ai.tool.name\":\"");
          out.write(TOOLS[tool]);
          out.write(
              "\",\"gen_ai.operation.name\":\"execute_tool\","
                  + "\"mcp.session.id\":\"5c8d0130-cc41-4b7a-a623-8d6a8835a1b9\","
                  + "\"jsonrpc.request.id\":");
          out.write(Integer.toString(written));
          out.write(
              ",\"service.name\":\"agent-runtime\",\"service.instance.id\":\""
                  + INSTANCE
                  + "\",\"telemetry.distro.version\":\"0.1.0\"}\n");
        }
      }
    }
  }

  private static void writeMetricsAndLog(Path logs, int minutes, Random random) throws IOException {
    ByteArrayOutputStream hlogBytes = new ByteArrayOutputStream();
    HistogramLogWriter hlog =
        new HistogramLogWriter(new PrintStream(hlogBytes, false, StandardCharsets.UTF_8));
    hlog.outputLogFormatVersion();
    hlog.outputStartTime(START);
    hlog.setBaseTime(0);
    hlog.outputBaseTime(0);
    hlog.outputComment(
        "{\"service.name\":\"agent-runtime\",\"service.instance.id\":\""
            + INSTANCE
            + "\",\"telemetry.distro.version\":\"0.1.0\",\"pid\":1,\"unit\":\"us\"}");
    hlog.outputLegend();
    Histogram[] totals = new Histogram[TOOLS.length];
    long[] calls = new long[TOOLS.length];
    long[] errors = new long[TOOLS.length];
    for (int t = 0; t < TOOLS.length; t++) {
      totals[t] = new Histogram(1, 3_600_000_000L, 2);
    }
    List<String> lines = new ArrayList<>(minutes);
    String state = "CLOSED";
    for (int m = 0; m < minutes; m++) {
      long from = START + m * 60_000L;
      long to = from + 60_000;
      StringBuilder interval = new StringBuilder();
      for (int t = 0; t < TOOLS.length; t++) {
        Histogram h = new Histogram(1, 3_600_000_000L, 2);
        int n = random.nextInt(t == 7 ? 4 : 40);
        int err = 0;
        for (int i = 0; i < n; i++) {
          h.recordValue(latency(random, t));
          if (random.nextInt(40) == 0) {
            err++;
          }
        }
        calls[t] += n;
        errors[t] += err;
        totals[t].add(h);
        if (n > 0) {
          h.setTag(TOOLS[t]);
          h.setStartTimeStamp(from);
          h.setEndTimeStamp(to);
          hlog.outputIntervalHistogram(from / 1000.0, to / 1000.0, h, 1000.0);
        }
        interval.append(interval.length() == 0 ? "" : ",");
        interval.append(
            String.format(
                Locale.ROOT,
                "\"%s\":{\"calls\":%d,\"ok\":%d,\"err\":%d}",
                TOOLS[t],
                n,
                n - err,
                err));
      }
      String transitions = "[]";
      if (random.nextInt(200) == 0) {
        String next = state.equals("CLOSED") ? "OPEN" : "CLOSED";
        transitions =
            "[{\"breaker\":\"comfyui\",\"from\":\""
                + state
                + "\",\"to\":\""
                + next
                + "\",\"ts\":\""
                + TS.format(Instant.ofEpochMilli(from + 30_000))
                + "\"}]";
        state = next;
      }
      StringBuilder total = new StringBuilder();
      for (int t = 0; t < TOOLS.length; t++) {
        total.append(total.length() == 0 ? "" : ",");
        total.append(
            String.format(
                Locale.ROOT,
                "\"%s\":{\"calls\":%d,\"ok\":%d,\"err\":%d}",
                TOOLS[t],
                calls[t],
                calls[t] - errors[t],
                errors[t]));
      }
      lines.add(
          "{\"ts\":\""
              + TS.format(Instant.ofEpochMilli(to))
              + "\",\"type\":\""
              + (m == minutes - 1 ? "final" : "interval")
              + "\",\"pid\":1,\"service.name\":\"agent-runtime\",\"service.instance.id\":\""
              + INSTANCE
              + "\",\"telemetry.distro.version\":\"0.1.0\",\"uptime_ms\":"
              + (to - START)
              + ",\"interval_ms\":60000,\"interval\":{\"tools\":{"
              + interval
              + "},\"rate_limiters\":{\"comfyui\":{\"permitted\":"
              + random.nextInt(100)
              + ",\"rejected\":"
              + (random.nextInt(30) == 0 ? random.nextInt(5) : 0)
              + "}},\"circuit_breaker_transitions\":"
              + transitions
              + ",\"sessions_peak\":"
              + random.nextInt(6)
              + "},\"total\":{\"tools\":{"
              + total
              + "}},\"circuit_breakers\":{\"comfyui\":{\"state\":\""
              + state
              + "\",\"transitions\":0}},\"sessions\":{\"active\":"
              + random.nextInt(5)
              + "},\"agent\":{\"classes_instrumented\":31,\"instrumentation_failures\":0,"
              + "\"trace_lines_written\":0,\"trace_lines_dropped\":0,\"internal_errors\":0},"
              + "\"memory\":{\"heap_used_bytes\":"
              + (200L << 20)
              + random.nextInt(400 << 20)
              + ",\"heap_max_bytes\":"
              + (4096L << 20)
              + ",\"probes\":{\"node_catalog\":{\"value\":"
              + (1800 + random.nextInt(50))
              + "},\"session_registry\":{\"value\":"
              + random.nextInt(6)
              + "}}},\"gpu\":{\"mode\":\"auto\",\"source\":\"nvidia-smi\",\"last\":{\"at\":\""
              + TS.format(Instant.ofEpochMilli(to - 300))
              + "\",\"utilization_pct\":"
              + random.nextInt(100)
              + ",\"vram_used_bytes\":"
              + ((4L << 30) + random.nextInt(1 << 30) * 8L)
              + ",\"vram_total_bytes\":"
              + (24L << 30)
              + "},\"errors\":{}}}");
    }
    Files.write(logs.resolve("metrics.jsonl"), lines, StandardCharsets.UTF_8);
    hlog.close();
    Files.write(logs.resolve("latency.hlog"), hlogBytes.toByteArray());
  }

  private static long latency(Random random, int tool) {
    double factor = Math.exp(random.nextGaussian() * 0.5);
    long micros = (long) (TYPICAL_MICROS[tool] * factor);
    if (random.nextInt(500) == 0) {
      micros *= 20; // a stall
    }
    return Math.max(1, Math.min(micros, 3_600_000_000L));
  }

  private static String millis(long micros) {
    return String.format(Locale.ROOT, "%d.%03d", micros / 1000, micros % 1000);
  }
}
