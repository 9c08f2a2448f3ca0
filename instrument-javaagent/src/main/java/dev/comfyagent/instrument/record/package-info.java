/**
 * What the agent counts, in memory, on the host's threads: tool calls turned into logical calls
 * ({@link dev.comfyagent.instrument.record.ToolCallTracker}: one count per call however many layers
 * see it, parents and correlation ids, pooled frames), per-tool counters and latency histograms
 * ({@link dev.comfyagent.instrument.record.ToolStats} in a {@link
 * dev.comfyagent.instrument.record.ToolStatsRegistry}), circuit breakers, rate limiters and
 * sessions ({@link dev.comfyagent.instrument.record.CircuitBreakerBoard}, {@link
 * dev.comfyagent.instrument.record.RateLimiterBoard}, {@link
 * dev.comfyagent.instrument.record.SessionGauge}), the agent's own failures ({@link
 * dev.comfyagent.instrument.record.AgentHealth}), and the hooks' view of a call ({@link
 * dev.comfyagent.instrument.record.ToolCallHook}). Host objects are read through {@link
 * dev.comfyagent.instrument.record.HostReader}, never by type. The hot path allocates nothing and
 * takes no lock.
 *
 * <p>May import: no other package of the agent; HdrHistogram (shaded).
 *
 * <p>Entry points:
 *
 * <pre>{@code
 * ToolStatsRegistry tools = new ToolStatsRegistry(config.toolsMax());
 * ToolCallTracker calls = new ToolCallTracker(tools, host, summary, sequences, traceSink, health);
 * Object frame = calls.enterCode(Layer.TOOL, tool, type, site, arguments);   // from the bridge
 * result = calls.exit(frame, result, thrown);
 * ToolFigures figures = tools.forName("load_workflow").total();
 * }</pre>
 */
package dev.comfyagent.instrument.record;
