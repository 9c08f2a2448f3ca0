/**
 * The {@code /metrics} endpoint for Prometheus: the JDK's HTTP server on {@code metrics.http}
 * (127.0.0.1 for a bare port), answering in the OpenMetrics, Prometheus text 0.0.4 or plain-text
 * format the scraper asks for ({@link
 * dev.comfyagent.instrument.export.prometheus.ExpositionFormat}, {@link
 * dev.comfyagent.instrument.export.prometheus.Exposition}), built from a fresh snapshot of the
 * figures per scrape ({@link dev.comfyagent.instrument.export.prometheus.MetricsEndpoint}).
 *
 * <p>May import: {@code config}, {@code emit}, {@code export.figures}, {@code record}; the JDK's
 * {@code jdk.httpserver} module.
 *
 * <p>Entry point:
 *
 * <pre>{@code
 * MetricsEndpoint endpoint = MetricsEndpoint.start(new HostPort("127.0.0.1", 9464), reader, ...);
 * int port = endpoint.port();
 * endpoint.stop();
 * }</pre>
 */
package dev.comfyagent.instrument.export.prometheus;
