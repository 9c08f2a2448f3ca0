/**
 * The {@code report} command: one self-contained HTML page (no script, nothing loaded from
 * anywhere) from the files of one or many processes. {@link
 * dev.comfyagent.instrument.report.RunReader} reads them, streaming, into a {@code Run} (each
 * source by its own reader: metrics lines, latency logs, traces, the slowest chains); {@link
 * dev.comfyagent.instrument.report.ReportPage} lays it out, one {@code PageSection} per section of
 * the page, plots drawn as inline SVG by {@code Charts}. Nothing here runs inside an observed JVM.
 *
 * <p>May import: {@code fleet} (finding and reading the files), {@code host} (the render tool's
 * name), {@code record}; Jackson and HdrHistogram.
 *
 * <p>Entry point:
 *
 * <pre>{@code
 * int exit = ReportCommand.run(List.of("logs", "--since", "6h", "-o", "report.html"),
 *     System.out, System.err);   // java -jar instrument-javaagent.jar report logs ...
 * }</pre>
 */
package dev.comfyagent.instrument.report;
