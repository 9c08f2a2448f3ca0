package dev.comfyagent.instrument.export.figures;

import dev.comfyagent.instrument.emit.ProcessIdentity;
import dev.comfyagent.instrument.record.AgentStats;
import dev.comfyagent.instrument.record.ToolStatsRegistry;

/**
 * What the exporters read: the process's identity, every tool's stats (for the latency buckets) and
 * the agent's other figures.
 *
 * @param identity who is exporting, as on every file line
 * @param tools the tools' counters and latency histograms
 * @param stats breakers, limiters, sessions, the agent's health and the hooks' sections
 */
public record ExportSources(ProcessIdentity identity, ToolStatsRegistry tools, AgentStats stats) {}
