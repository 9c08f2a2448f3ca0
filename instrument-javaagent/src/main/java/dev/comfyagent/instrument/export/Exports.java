package dev.comfyagent.instrument.export;

import dev.comfyagent.instrument.AgentContext;
import dev.comfyagent.instrument.config.AgentConfig;
import dev.comfyagent.instrument.config.HostPort;
import dev.comfyagent.instrument.emit.MetricsSection;
import dev.comfyagent.instrument.emit.TraceWriter;
import dev.comfyagent.instrument.export.otlp.OtlpExporter;
import dev.comfyagent.instrument.export.otlp.OtlpSettings;
import dev.comfyagent.instrument.export.prometheus.MetricsEndpoint;
import dev.comfyagent.instrument.record.AgentHealth;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Starts what feeds the engines a fleet already runs: the Prometheus endpoint ({@code
 * metrics.http}) and the OTLP exporter ({@code otlp.endpoint}). Both are off by default, and then
 * not one class of this package is loaded: the agent calls {@link #start} only when one is set.
 *
 * <p>Each starts on a daemon thread of its own, so that neither a name lookup, a bind nor loading
 * the JDK's HTTP server delays the host's start; a failure to start says so on one stderr line and
 * leaves the rest of the agent running. Their counters are metrics.jsonl's {@code export} section.
 *
 * <p>Usage (in the agent's start):
 *
 * <pre>{@code
 * if (config.exports()) {
 *   Exports.start(config, new ExportSources(identity, tools, stats), agent, traceWriter);
 * }
 * }</pre>
 */
public final class Exports {

  /** How long the OTLP exporter may take at JVM exit to send what it holds. */
  public static final long EXIT_FLUSH_MILLIS = 5000;

  private Exports() {}

  /**
   * Starts the exports the options ask for.
   *
   * @param traces the trace writer, whose events become spans, or {@code null} with {@code
   *     trace=off} (then no spans are sent)
   */
  public static void start(
      AgentConfig config, ExportSources sources, AgentContext agent, TraceWriter traces) {
    ExportHealth exportHealth = new ExportHealth();
    FiguresReader reader = new FiguresReader(sources, exportHealth);
    HostPort http = config.metricsHttp();
    URI otlp = config.otlpEndpoint();
    AtomicReference<String> listening =
        new AtomicReference<>(http == null ? null : http.toString());
    if (http != null) {
      startEndpoint(http, reader, exportHealth, agent, listening, config.debug());
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
      agent.onStop(() -> exporter.stop(EXIT_FLUSH_MILLIS));
    }
    String otlpText = otlp == null ? null : otlp.toString();
    agent.addMetricsSection(
        new MetricsSection() {
          @Override
          public String name() {
            return "export";
          }

          @Override
          public Map<String, ?> figures(boolean lineEnds) {
            return exportHealth.section(listening.get(), otlpText);
          }
        });
  }

  private static void startEndpoint(
      HostPort address,
      FiguresReader reader,
      ExportHealth exportHealth,
      AgentContext agent,
      AtomicReference<String> listening,
      boolean debug) {
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
                    MetricsEndpoint.start(address, reader, exportHealth, agent.health());
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
    agent.onStop(
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
