package dev.comfyagent.benchmarks.roundtrip;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The ways {@link RoundTripBenchmark} starts the server: no agent, this project's agent with
 * tracing off or on, the OpenTelemetry Java agent; with the check that this project's agent
 * observed a run.
 */
enum RoundTripConfiguration {
  NONE("none", "no agent"),
  TRACE_OFF("trace-off", "instrument-javaagent, trace=off"),
  TRACE_ON("trace-on", "instrument-javaagent, trace=on"),
  OTEL("otel", "OpenTelemetry Java agent");

  final String id;
  final String label;

  RoundTripConfiguration(String id, String label) {
    this.id = id;
    this.label = label;
  }

  static RoundTripConfiguration byId(String id) {
    for (RoundTripConfiguration c : values()) {
      if (c.id.equals(id)) {
        return c;
      }
    }
    throw new IllegalArgumentException("--only takes none, trace-off, trace-on, otel; got " + id);
  }

  boolean thisAgent() {
    return this == TRACE_OFF || this == TRACE_ON;
  }

  List<String> jvmArgs(Path runDir, RoundTripSettings settings) {
    List<String> args = new ArrayList<>();
    switch (this) {
      case TRACE_OFF, TRACE_ON -> {
        // A metrics line an hour: only the final one, at exit, is written during a run.
        String options =
            "trace="
                + (this == TRACE_ON ? "on" : "off")
                + ",strict=true,metrics.interval=3600s,output.dir="
                + runDir.resolve("agent").toAbsolutePath();
        if (!settings.agentOptions.isBlank()) {
          options += "," + settings.agentOptions;
        }
        args.add("-javaagent:" + settings.agentJar.toAbsolutePath() + "=" + options);
      }
      case OTEL -> {
        args.add("-javaagent:" + settings.otelJar.toAbsolutePath());
        args.add("-Dotel.instrumentation.methods.include=" + settings.otelMethods);
        args.add("-Dotel.traces.exporter=none");
        args.add("-Dotel.metrics.exporter=none");
        args.add("-Dotel.logs.exporter=none");
      }
      case NONE -> {}
    }
    return args;
  }

  /**
   * Checks that this project's agent observed the run: its final metrics line counts at least the
   * measured calls of the tool, and trace lines exist exactly when tracing is on.
   */
  void checkObserved(Path runDir, RoundTripSettings settings, RoundTripResult.Sample sample)
      throws IOException {
    if (!thisAgent()) {
      return;
    }
    Path agentDir = runDir.resolve("agent");
    Path metrics = null;
    Path traces = null;
    // The server exits asynchronously after the client closes: wait for its final line.
    for (int i = 0; i < 100; i++) {
      metrics = newest(agentDir, "metrics");
      traces = newest(agentDir, "traces");
      if (metrics != null && Files.readString(metrics).contains("\"type\":\"final\"")) {
        break;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (metrics == null) {
      throw new RoundTripBenchmark.RunFailedException(
          id + ": the agent wrote no metrics file in " + agentDir);
    }
    List<String> lines = Files.readAllLines(metrics);
    String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    Map<String, Object> line =
        new ObjectMapper().readValue(last, new TypeReference<Map<String, Object>>() {});
    long calls = callsOf(line, settings.tool);
    if (calls < settings.calls) {
      throw new RoundTripBenchmark.RunFailedException(
          id
              + ": the agent counted "
              + calls
              + " calls of "
              + settings.tool
              + ", fewer than the "
              + settings.calls
              + " measured: it did not observe them");
    }
    boolean traced = traces != null && Files.size(traces) > 0;
    if (traced != (this == TRACE_ON)) {
      throw new RoundTripBenchmark.RunFailedException(
          id + ": trace lines " + (traced ? "written" : "missing") + " in " + agentDir);
    }
    sample.agentCalls = calls;
  }

  private static long callsOf(Map<String, Object> line, String tool) {
    if (line.get("total") instanceof Map<?, ?> total
        && total.get("tools") instanceof Map<?, ?> tools
        && tools.get(tool) instanceof Map<?, ?> figures
        && figures.get("calls") instanceof Number n) {
      return n.longValue();
    }
    return 0;
  }

  private static Path newest(Path dir, String prefix) throws IOException {
    if (!Files.isDirectory(dir)) {
      return null;
    }
    try (var files = Files.list(dir)) {
      return files
          .filter(p -> String.valueOf(p.getFileName()).startsWith(prefix))
          .filter(p -> String.valueOf(p.getFileName()).endsWith(".jsonl"))
          .findFirst()
          .orElse(null);
    }
  }
}
