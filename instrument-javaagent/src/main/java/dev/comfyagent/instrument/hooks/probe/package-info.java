/**
 * Memory probes: the size of chosen host objects over time ({@code probe.<name>=<class>#<method>},
 * {@link dev.comfyagent.instrument.hooks.probe.ProbeSpec}), and for agent-runtime a built-in
 * profile of its caches ({@link dev.comfyagent.instrument.hooks.probe.RuntimeProbeProfile}).
 * Instances are captured by a weave on their constructors (or, after a late attach, on first use),
 * held weakly, and measured on the metrics thread ({@link
 * dev.comfyagent.instrument.hooks.probe.MemoryProbes}); the figures go into the {@code memory}
 * section of the metrics line with the heap in use.
 *
 * <p>May import: the root package {@code dev.comfyagent.instrument} ({@code AgentContext}, {@code
 * AgentExtension}), {@code config}, {@code emit}, {@code host} (the size methods), {@code record},
 * {@code weave} (the capture weave and its listener).
 *
 * <p>Entry point:
 *
 * <pre>{@code
 * MemoryProbes probes = new MemoryProbes(specs, notice -> AgentHealth.diagnostic(notice));
 * agent.addWeaveTarget(new InstanceCaptureWeave(probes.classNames(), agent.attachedLate()));
 * agent.addInstanceListener(probes);
 * agent.addMetricsSection(probes);
 * }</pre>
 */
package dev.comfyagent.instrument.hooks.probe;
