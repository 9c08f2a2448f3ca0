/**
 * The figures every exporter reads: one consistent snapshot of the recorders ({@link
 * dev.comfyagent.instrument.export.figures.FiguresReader}, {@link
 * dev.comfyagent.instrument.export.figures.Figures}), the metric names and duration buckets the
 * exporters share, and the exporters' own counters ({@link
 * dev.comfyagent.instrument.export.figures.ExportHealth}).
 *
 * <p>May import: {@code record}, {@code emit} and the JDK. Imported by the exporters ({@code
 * export.prometheus}, {@code export.otlp}) and by {@code export}, which starts them; never the
 * other way round, so that an exporter never depends on how it is started.
 *
 * <p>Entry point:
 *
 * <pre>{@code
 * FiguresReader reader = new FiguresReader(new ExportSources(identity, tools, stats), exportHealth);
 * Figures now = reader.read();
 * }</pre>
 */
package dev.comfyagent.instrument.export.figures;
