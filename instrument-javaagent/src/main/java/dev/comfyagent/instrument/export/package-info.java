/**
 * The figures for other systems, off by default: {@link dev.comfyagent.instrument.export.Exports}
 * starts the Prometheus endpoint ({@code export.prometheus}) and the OTLP exporter ({@code
 * export.otlp}) when their options are set. Both read the same snapshot ({@link
 * dev.comfyagent.instrument.export.figures.FiguresReader} into {@link
 * dev.comfyagent.instrument.export.figures.Figures}), named once ({@link
 * dev.comfyagent.instrument.export.figures.MetricNames}, OpenTelemetry's semantic conventions for
 * MCP and GenAI) with fixed duration buckets ({@link
 * dev.comfyagent.instrument.export.figures.DurationBuckets}); their own failures are counted in
 * {@link dev.comfyagent.instrument.export.figures.ExportHealth}.
 *
 * <p>May import: {@code config}, {@code emit}, {@code record}, {@code export.figures} (what every
 * exporter reads) and its two exporters ({@code export.otlp}, {@code export.prometheus}); no
 * package cycle. None of its classes is loaded while both exports are off.
 *
 * <p>Entry point:
 *
 * <pre>{@code
 * if (config.exports()) {
 *   Exports.start(config, new ExportSources(identity, tools, stats), agent, traceWriter);
 * }
 * }</pre>
 */
package dev.comfyagent.instrument.export;
