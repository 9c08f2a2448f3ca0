/**
 * OTLP/HTTP JSON export to an OpenTelemetry Collector: each tool call as an {@code execute_tool}
 * span (parent/child chains, the client's {@code _meta.traceparent} honoured), and the figures as
 * cumulative metrics; batched in a bounded queue, retried on 429/503 after {@code Retry-After},
 * drops counted, flushed at exit within 5 s ({@link
 * dev.comfyagent.instrument.export.otlp.OtlpExporter}, settings in {@link
 * dev.comfyagent.instrument.export.otlp.OtlpSettings}).
 *
 * <p>May import: {@code config}, {@code emit}, {@code export.figures}, {@code record}; Jackson
 * (shaded) and the JDK's HTTP client.
 *
 * <p>Entry point:
 *
 * <pre>{@code
 * OtlpExporter exporter = new OtlpExporter(OtlpSettings.of(config), figuresReader, exportHealth);
 * traceWriter.forwardTo(exporter);   // spans leave on the writer's thread
 * exporter.start();
 * agent.onStop(() -> exporter.stop(5_000));   // flushes within the budget
 * }</pre>
 */
package dev.comfyagent.instrument.export.otlp;
