/**
 * The agent's hooks, one sub-package each, each an {@link dev.comfyagent.instrument.AgentExtension}
 * found through {@code META-INF/services}: {@code hooks.probe} (memory probes: the size of chosen
 * host objects), {@code hooks.gpu} (the GPU sampler and the render-time suffix) and {@code
 * hooks.stats} (the {@code get_agent_stats} tool added to MCP servers). This package holds no
 * class.
 *
 * <p>May import: nothing (it has no class). A hook package may import the root package ({@code
 * AgentContext}, {@code AgentExtension}), {@code config}, {@code emit}, {@code record} and {@code
 * weave}; no hook imports another.
 *
 * <p>Entry point (a hook):
 *
 * <pre>{@code
 * public final class ProbeExtension implements AgentExtension {
 *   public String name() { return "probe"; }
 *   public void install(AgentContext agent) throws ConfigException {
 *     agent.addWeaveTarget(new InstanceCaptureWeave(probes.classNames(), agent.attachedLate()));
 *     agent.addMetricsSection(probes);
 *   }
 * }
 * }</pre>
 */
package dev.comfyagent.instrument.hooks;
