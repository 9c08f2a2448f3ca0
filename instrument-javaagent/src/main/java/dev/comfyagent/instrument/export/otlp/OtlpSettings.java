package dev.comfyagent.instrument.export.otlp;

import dev.comfyagent.instrument.config.AgentConfig;
import java.net.URI;
import java.util.Map;

/**
 * Where and how OTLP requests go: the collector's signal paths under {@code otlp.endpoint} (as
 * OpenTelemetry's {@code OTEL_EXPORTER_OTLP_ENDPOINT}: {@code /v1/traces} and {@code /v1/metrics}
 * appended), headers, the time limit of one request, the metrics interval and the span queue's
 * size.
 *
 * @param traces the URL spans are posted to
 * @param metrics the URL metrics are posted to
 * @param headers extra request headers (authentication, tenant)
 * @param timeoutMillis connect and read limit of one request
 * @param intervalMillis milliseconds between metric exports
 * @param queueSize spans waiting at most
 */
public record OtlpSettings(
    URI traces,
    URI metrics,
    Map<String, String> headers,
    long timeoutMillis,
    long intervalMillis,
    int queueSize) {

  /** Spans sent in one request at most (OpenTelemetry's batch span processor's default). */
  public static final int MAX_BATCH = 512;

  /** Longest wait before queued spans are sent (the batch span processor's default delay). */
  public static final long SPAN_DELAY_MILLIS = 5000;

  /** The settings of {@code config}, whose {@code otlp.endpoint} is set. */
  public static OtlpSettings of(AgentConfig config) {
    URI base = config.otlpEndpoint();
    return new OtlpSettings(
        signal(base, "v1/traces"),
        signal(base, "v1/metrics"),
        config.otlpHeaders(),
        config.otlpTimeoutMillis(),
        config.otlpIntervalMillis(),
        config.otlpQueueSize());
  }

  /**
   * {@code base} with the signal's path appended ({@code http://c:4318} → {@code .../v1/traces}).
   */
  static URI signal(URI base, String path) {
    String text = base.toString();
    return URI.create(text.endsWith("/") ? text + path : text + "/" + path);
  }
}
