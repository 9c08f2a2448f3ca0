package dev.comfyagent.instrument.export;

import dev.comfyagent.instrument.config.AgentConfig;
import dev.comfyagent.instrument.config.HostPort;
import dev.comfyagent.instrument.emit.MetricsSection;
import dev.comfyagent.instrument.emit.TraceWriter;
import dev.comfyagent.instrument.export.figures.ExportHealth;
import dev.comfyagent.instrument.export.figures.ExportSources;
import dev.comfyagent.instrument.export.figures.FiguresReader;
import dev.comfyagent.instrument.export.otlp.OtlpExporter;
import dev.comfyagent.instrument.export.otlp.OtlpSettings;
import dev.comfyagent.instrument.export.prometheus.MetricsEndpoint;
import dev.comfyagent.instrument.record.AgentHealth;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Starts what feeds the engines a fleet already runs: the Prometheus endpoint ({@code
 * metrics.http}) and the OTLP exporter ({@code otlp.endpoint}). Both are off by default, and then
 * not one class of this package is loaded: the agent calls {@link #start} only when one is set.
 *
 * <p>Each starts on a daemon thread of its own, so that neither a name lookup, a bind nor loading
 * the JDK's HTTP server delays the host's start; a failure to start says so on one stderr line and
 * leaves the rest of the agent running. Their counters are metrics.jsonl's {@code export} section,
 * which the started exports are.
 *
 * <p>Usage (in the agent's start):
 *
 * <pre>{@code
 * if (config.exports()) {
 *   Exports exports = Exports.start(config, new ExportSources(identity, tools, stats), traceWriter, health);
 *   agent.addMetricsSection(exports);
 *   agent.onStop(exports::stop);
 * }
 * }</pre>
 *
 * <p>It depends on the options, the emitters and the recorders only, not on the agent that starts
 * it: the agent's root package imports this one, never the other way round.
 */
public final class Exports implements MetricsSection {

  /** How long the OTLP exporter may take at JVM exit to send what it holds. */
  public static final long EXIT_FLUSH_MILLIS = 5000;

  private final ExportHealth exportHealth;
  private final AtomicReference<String> listening;
  private final String otlpText;
  private final List<Runnable> stops = new CopyOnWriteArrayList<>();

  private Exports(ExportHealth exportHealth, AtomicReference<String> listening, URI otlp) {
    this.exportHealth = exportHealth;
    this.listening = listening;
    this.otlpText = otlp == null ? null : otlp.toString();
  }

  /**
   * Starts the exports the options ask for.
   *
   * @param traces the trace writer, whose events become spans, or {@code null} with {@code
   *     trace=off} (then no spans are sent)
   * @param health the agent's health counters, which the endpoint serves too
   * @return the started exports: the {@code export} section of the metrics line, to be {@linkplain
   *     #stop stopped} when the agent stops
   */
  public static Exports start(
      AgentConfig config, ExportSources sources, TraceWriter traces, AgentHealth health) {
    ExportHealth exportHealth = new ExportHealth();
    FiguresReader reader = new FiguresReader(sources, exportHealth);
    HostPort http = config.metricsHttp();
    URI otlp = config.otlpEndpoint();
    AtomicReference<String> listening =
        new AtomicReference<>(http == null ? null : http.toString());
    Exports exports = new Exports(exportHealth, listening, otlp);
    if (http != null) {
      exports.startEndpoint(http, reader, health, config.debug());
    }
    if (otlp != null) {
      OtlpExporter exporter = new OtlpExporter(OtlpSettings.of(config), reader, exportHealth);
      if (traces != null) {
        traces.forwardTo(exporter);
      } else {
        AgentHealth.diagnostic(
            "otlp.endpoint is set but trace=off: metrics are sent, spans are not (they are made"
                + " from the trace events)");
      }
      exporter.start();
      exports.stops.add(() -> exporter.stop(EXIT_FLUSH_MILLIS));
    }
    return exports;
  }

  @Override
  public String name() {
    return "export";
  }

  @Override
  public Map<String, ?> figures(boolean lineEnds) {
    return exportHealth.section(listening.get(), otlpText);
  }

  /** Stops what {@link #start} started (at JVM exit: the OTLP exporter sends what it holds). */
  public void stop() {
    for (Runnable stop : stops) {
      stop.run();
    }
  }

  private void startEndpoint(
      HostPort address, FiguresReader reader, AgentHealth health, boolean debug) {
    if (ModuleLayer.boot().findModule(MetricsEndpoint.MODULE).isEmpty()) {
      AgentHealth.diagnostic(
          "metrics.http="
              + address
              + ": this JVM has no "
              + MetricsEndpoint.MODULE
              + " module (a jlink image without it, or --limit-modules), so /metrics is not"
              + " served; add it (jlink --add-modules "
              + MetricsEndpoint.MODULE
              + ") or send metrics with otlp.endpoint; the rest of the agent runs");
      listening.set(null);
      return;
    }
    AtomicReference<MetricsEndpoint> running = new AtomicReference<>();
    // A daemon thread: the server's dispatcher thread inherits it, and must not keep the JVM alive.
    Thread starter =
        new Thread(
            () -> {
              try {
                MetricsEndpoint endpoint =
                    MetricsEndpoint.start(address, reader, exportHealth, health);
                running.set(endpoint);
                listening.set(endpoint.address());
                if (debug || address.port() == 0) {
                  AgentHealth.diagnostic(
                      "serving /metrics at http://" + endpoint.address() + "/metrics");
                }
              } catch (IOException | RuntimeException e) {
                listening.set(null);
                AgentHealth.diagnostic(
                    "metrics.http="
                        + address
                        + ": cannot listen ("
                        + e
                        + "), so /metrics is not served; the rest of the agent runs");
              }
            },
            "comfyagent-metrics-http-start");
    starter.setDaemon(true);
    starter.start();
    stops.add(
        () -> {
          try {
            starter.join(1000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          MetricsEndpoint endpoint = running.get();
          if (endpoint != null) {
            endpoint.stop();
          }
        });
  }
}
