/**
 * What the agent writes, off the tool's thread: the output folder claimed per process ({@link
 * dev.comfyagent.instrument.emit.OutputFiles}), rotated JSON-lines files ({@link
 * dev.comfyagent.instrument.emit.JsonLinesFile}), the metrics line every interval and at exit
 * ({@link dev.comfyagent.instrument.emit.MetricsReporter}, with the hooks' {@link
 * dev.comfyagent.instrument.emit.MetricsSection}s), the HdrHistogram interval log ({@link
 * dev.comfyagent.instrument.emit.HistogramLogFile}), and trace lines: a bounded lock-free queue the
 * tool's thread offers to ({@link dev.comfyagent.instrument.emit.TraceQueue}) and the writer thread
 * that drains it ({@link dev.comfyagent.instrument.emit.TraceWriter}). Every line carries the
 * process's identity ({@link dev.comfyagent.instrument.emit.ProcessIdentity}).
 *
 * <p>May import: {@code record} (the figures and events it writes); and Jackson and HdrHistogram
 * (shaded).
 *
 * <p>Entry points:
 *
 * <pre>{@code
 * OutputFiles files = OutputFiles.claim(config.outputDir(), identity);
 * TraceQueue queue = new TraceQueue(config.traceQueueSize());      // the tracker's TraceSink
 * TraceWriter writer = new TraceWriter(queue, new JsonLinesFile(files.traces(), size, keep),
 *     health, identity);
 * writer.start();
 * reporter.start(config.metricsIntervalMillis());                  // a MetricsReporter
 * ...
 * writer.stop(drainMillis); reporter.finish(); files.close();
 * }</pre>
 */
package dev.comfyagent.instrument.emit;
