/**
 * Reading the files of many processes at once, after the fact: finding them in folders ({@link
 * dev.comfyagent.instrument.fleet.AgentFiles}, rotated and per-process names included), reading
 * HdrHistogram interval logs ({@link dev.comfyagent.instrument.fleet.LatencyLogReader}) and adding
 * them up into exact fleet-wide percentiles ({@link
 * dev.comfyagent.instrument.fleet.FleetLatencies}), within a {@code --since}/{@code --until} window
 * ({@link dev.comfyagent.instrument.fleet.TimeWindow}); and the {@code merge} command ({@link
 * dev.comfyagent.instrument.fleet.MergeCommand}). Nothing here runs inside an observed JVM.
 *
 * <p>May import: {@code emit} (the file formats it reads back), {@code record}; Jackson and
 * HdrHistogram.
 *
 * <p>Entry points:
 *
 * <pre>{@code
 * AgentFiles files = AgentFiles.find(List.of(Path.of("logs"), Path.of("/mnt/node2/logs")));
 * FleetLatencies fleet = FleetLatencies.read(files.latencyLogs(), TimeWindow.parse("6h", null));
 * int exit = MergeCommand.run(List.of("logs", "--since", "1h"), System.out, System.err);
 * }</pre>
 */
package dev.comfyagent.instrument.fleet;
