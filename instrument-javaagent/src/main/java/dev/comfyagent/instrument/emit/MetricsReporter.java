package dev.comfyagent.instrument.emit;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.comfyagent.instrument.record.AgentHealth;
import dev.comfyagent.instrument.record.CircuitBreakerBoard;
import dev.comfyagent.instrument.record.RateLimiterBoard;
import dev.comfyagent.instrument.record.SessionGauge;
import dev.comfyagent.instrument.record.ToolFigures;
import dev.comfyagent.instrument.record.ToolStats;
import dev.comfyagent.instrument.record.ToolStatsRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Appends one JSON line to metrics.jsonl every interval, and a last one ({@code "type":"final"})
 * when the JVM shuts down. Each line holds the interval's figures and the totals since start:
 *
 * <pre>{@code
 * {"ts":"2026-11-25T10:16:30.001Z","type":"interval","pid":4242,"service.name":"agent-runtime",
 *  "service.instance.id":"render-07-4242-20261125T101530001Z","telemetry.distro.version":"0.1.0",
 *  "uptime_ms":60123,"interval_ms":60000,
 *  "interval":{"tools":{"load_workflow":{"calls":3,"ok":2,"err":1,"p50_ms":11.2,"p95_ms":40.1,
 *    "p99_ms":40.1,"max_ms":40.1,"mean_ms":20.8}},"rate_limiters":{"comfyui":{"permitted":9,"rejected":1}},
 *    "circuit_breaker_transitions":[{"breaker":"comfyui","from":"CLOSED","to":"OPEN","ts":"..."}],
 *    "sessions_peak":2},
 *  "total":{"tools":{...},"rate_limiters":{...}},
 *  "circuit_breakers":{"comfyui":{"state":"OPEN","transitions":1}},
 *  "sessions":{"active":2},
 *  "agent":{"classes_instrumented":14,"instrumentation_failures":0,"trace_lines_written":3,
 *    "trace_lines_dropped":0,"internal_errors":0}}
 * }</pre>
 *
 * <p>With a {@link HistogramLogFile}, each line's interval latencies also go to the HdrHistogram
 * log, for exact percentiles over any span and any number of processes.
 *
 * <p>Thread-safe: lines are built and written under this object's lock.
 */
public final class MetricsReporter {

  private final JsonLinesFile file;
  private final ToolStatsRegistry tools;
  private final CircuitBreakerBoard breakers;
  private final RateLimiterBoard limiters;
  private final SessionGauge sessions;
  private final AgentHealth health;
  private final Function<Object, String> breakerState;
  private final LongSupplier traceLinesWritten;
  private final LongSupplier traceLinesDropped;
  private final long startNanos;
  private final ProcessIdentity identity;
  private final HistogramLogFile latencyLog;
  private final List<MetricsSection> sections = new CopyOnWriteArrayList<>();
  private final LineBuffer lines = new LineBuffer();
  private long lastLineNanos;
  private long lastLineEpochMillis;
  private ScheduledExecutorService scheduler;
  private boolean finished;

  /** What the reporter reads; see the fields of a metrics line. */
  public record Sources(
      ToolStatsRegistry tools,
      CircuitBreakerBoard breakers,
      RateLimiterBoard limiters,
      SessionGauge sessions,
      AgentHealth health,
      Function<Object, String> breakerState,
      LongSupplier traceLinesWritten,
      LongSupplier traceLinesDropped) {}

  /**
   * @param file metrics.jsonl
   * @param sources the figures to report
   * @param startNanos {@link System#nanoTime()} when the agent started
   */
  public MetricsReporter(JsonLinesFile file, Sources sources, long startNanos) {
    this(file, sources, startNanos, null, null);
  }

  /**
   * @param file metrics.jsonl
   * @param sources the figures to report
   * @param startNanos {@link System#nanoTime()} when the agent started
   * @param identity the process, on every line ({@code null}: no identity fields)
   * @param latencyLog where each interval's latency histograms go as well, or {@code null}
   */
  public MetricsReporter(
      JsonLinesFile file,
      Sources sources,
      long startNanos,
      ProcessIdentity identity,
      HistogramLogFile latencyLog) {
    this.identity = identity;
    this.latencyLog = latencyLog;
    this.file = file;
    this.tools = sources.tools();
    this.breakers = sources.breakers();
    this.limiters = sources.limiters();
    this.sessions = sources.sessions();
    this.health = sources.health();
    this.breakerState = sources.breakerState();
    this.traceLinesWritten = sources.traceLinesWritten();
    this.traceLinesDropped = sources.traceLinesDropped();
    this.startNanos = startNanos;
    this.lastLineNanos = startNanos;
    this.lastLineEpochMillis =
        System.currentTimeMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  /** Adds a section written in every later line. */
  public void addSection(MetricsSection section) {
    sections.add(section);
  }

  /**
   * Every section's figures read now for a stats request ({@code lineEnds == false}), by name in
   * the order added; a section that fails is left out and counted as an internal error.
   */
  public Map<String, Map<String, ?>> readSections() {
    Map<String, Map<String, ?>> figures = new LinkedHashMap<>();
    for (MetricsSection section : sections) {
      try {
        Map<String, ?> value = section.figures(false);
        if (value != null) {
          figures.put(section.name(), value);
        }
      } catch (RuntimeException e) {
        health.internalError("metrics section " + section.name(), e);
      }
    }
    return figures;
  }

  /** Starts writing a line every {@code intervalMillis} on a daemon thread. */
  public synchronized void start(long intervalMillis) {
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "comfyagent-metrics");
              thread.setDaemon(true);
              return thread;
            });
    scheduler.scheduleAtFixedRate(
        () -> writeLine("interval"), intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
  }

  /** Stops the schedule and writes the final line; later calls do nothing. */
  public void finish() {
    ScheduledExecutorService running;
    synchronized (this) {
      if (finished) {
        return;
      }
      finished = true;
      running = scheduler;
    }
    if (running != null) {
      // Not shutdownNow: an interrupt would close the file channel under a line being written.
      running.shutdown();
      try {
        running.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    writeLine("final");
  }

  /** Builds and appends one line now; failures are counted, never thrown. */
  public synchronized void writeLine(String type) {
    try {
      long now = System.nanoTime();
      long nowEpochMillis = System.currentTimeMillis();
      long intervalMillis = TimeUnit.NANOSECONDS.toMillis(now - lastLineNanos);
      lastLineNanos = now;
      long intervalStartMillis = lastLineEpochMillis;
      lastLineEpochMillis = nowEpochMillis;
      lines.clear();
      lines.line(json -> writeFields(json, type, now, nowEpochMillis, intervalMillis));
      file.append(lines.bytes(), 0, lines.length());
      writeLatencyLog(intervalStartMillis, nowEpochMillis);
    } catch (IOException | RuntimeException e) {
      health.internalError("writing " + file.path(), e);
    } finally {
      lines.clear();
    }
  }

  /** The interval's histograms, filled while the line was built, to the latency log. */
  private void writeLatencyLog(long startMillis, long endMillis) {
    if (latencyLog == null) {
      return;
    }
    try {
      latencyLog.writeInterval(startMillis, endMillis);
    } catch (IOException | RuntimeException e) {
      health.internalError("writing " + latencyLog.path(), e);
    }
  }

  private void writeFields(
      JsonGenerator json, String type, long now, long nowEpochMillis, long intervalMillis)
      throws IOException {
    json.writeStringField("ts", LineBuffer.timestamp(nowEpochMillis));
    json.writeStringField("type", type);
    json.writeNumberField("pid", ProcessHandle.current().pid());
    if (identity != null) {
      json.writeStringField(ProcessIdentity.SERVICE_NAME, identity.serviceName());
      json.writeStringField(ProcessIdentity.INSTANCE_ID, identity.instanceId());
      json.writeStringField(ProcessIdentity.AGENT_VERSION, identity.agentVersion());
    }
    json.writeNumberField("uptime_ms", TimeUnit.NANOSECONDS.toMillis(now - startNanos));
    json.writeNumberField("interval_ms", intervalMillis);

    List<ToolStats> all = tools.all();
    List<ToolFigures> interval = new ArrayList<>(all.size());
    List<ToolFigures> total = new ArrayList<>(all.size());
    for (ToolStats stats : all) {
      ToolStats.Snapshot snapshot =
          stats.snapshot(true, latencyLog == null ? null : latencyLog.scratch(stats.name()));
      interval.add(snapshot.interval());
      total.add(snapshot.total());
    }

    json.writeObjectFieldStart("interval");
    writeTools(json, interval);
    writeLimiters(json, limiters.sinceLastLine(true));
    json.writeArrayFieldStart("circuit_breaker_transitions");
    for (CircuitBreakerBoard.Transition t : breakers.drainTransitions()) {
      json.writeStartObject();
      json.writeStringField("breaker", t.breaker());
      json.writeStringField("from", t.from());
      json.writeStringField("to", t.to());
      json.writeStringField("ts", LineBuffer.timestamp(t.epochMillis()));
      json.writeEndObject();
    }
    json.writeEndArray();
    if (sessions.observed()) {
      json.writeNumberField("sessions_peak", sessions.peakSinceLastLine(true));
    }
    json.writeEndObject();

    json.writeObjectFieldStart("total");
    writeTools(json, total);
    writeLimiters(json, limiters.total());
    json.writeEndObject();

    json.writeObjectFieldStart("circuit_breakers");
    for (CircuitBreakerBoard.BreakerFigures b : breakers.current(breakerState).values()) {
      json.writeObjectFieldStart(b.name());
      json.writeStringField("state", b.state());
      json.writeNumberField("transitions", b.transitions());
      json.writeEndObject();
    }
    json.writeEndObject();

    if (sessions.observed()) {
      json.writeObjectFieldStart("sessions");
      json.writeNumberField("active", sessions.active());
      json.writeEndObject();
    }

    json.writeObjectFieldStart("agent");
    json.writeNumberField("classes_instrumented", health.classesInstrumented());
    json.writeNumberField("instrumentation_failures", health.instrumentationFailures());
    json.writeNumberField("trace_lines_written", traceLinesWritten.getAsLong());
    json.writeNumberField("trace_lines_dropped", traceLinesDropped.getAsLong());
    json.writeNumberField("circuit_breaker_transitions_unlisted", breakers.unlistedTransitions());
    json.writeNumberField("internal_errors", health.internalErrors());
    json.writeBooleanField("tool_calls_observable", health.toolCallsObservable());
    json.writeNumberField("tool_names_tracked", tools.size());
    json.writeNumberField("tool_calls_folded", tools.folded());
    json.writeEndObject();

    for (MetricsSection section : sections) {
      Map<String, ?> figures;
      try {
        figures = section.figures(true);
      } catch (RuntimeException e) {
        health.internalError("metrics section " + section.name(), e);
        continue;
      }
      json.writeFieldName(section.name());
      LineBuffer.writeValue(json, figures);
    }
  }

  private static void writeTools(JsonGenerator json, List<ToolFigures> figures) throws IOException {
    json.writeObjectFieldStart("tools");
    for (ToolFigures f : figures) {
      json.writeObjectFieldStart(f.tool());
      json.writeNumberField("calls", f.calls());
      json.writeNumberField("ok", f.ok());
      json.writeNumberField("err", f.err());
      if (f.timed()) {
        LineBuffer.writeMillisField(json, "p50_ms", Math.round(f.p50Ms() * 1000));
        LineBuffer.writeMillisField(json, "p95_ms", Math.round(f.p95Ms() * 1000));
        LineBuffer.writeMillisField(json, "p99_ms", Math.round(f.p99Ms() * 1000));
        LineBuffer.writeMillisField(json, "max_ms", Math.round(f.maxMs() * 1000));
        LineBuffer.writeMillisField(json, "mean_ms", Math.round(f.meanMs() * 1000));
      }
      json.writeEndObject();
    }
    json.writeEndObject();
  }

  private static void writeLimiters(
      JsonGenerator json, Map<String, RateLimiterBoard.LimiterFigures> figures) throws IOException {
    json.writeObjectFieldStart("rate_limiters");
    for (RateLimiterBoard.LimiterFigures f : figures.values()) {
      json.writeObjectFieldStart(f.name());
      json.writeNumberField("permitted", f.permitted());
      json.writeNumberField("rejected", f.rejected());
      json.writeEndObject();
    }
    json.writeEndObject();
  }
}
