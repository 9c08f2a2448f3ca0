package dev.comfyagent.instrument;

/**
 * A part of the agent that plugs into the core at startup: the stats tool, memory probes, the GPU
 * sampler. Extensions are found with {@link java.util.ServiceLoader} in the agent's own class
 * loader (a {@code META-INF/services/dev.comfyagent.instrument.AgentExtension} file in this
 * module), so adding one changes no core code.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * public final class GpuExtension implements AgentExtension {
 *   public String name() { return "gpu"; }
 *   public void install(AgentContext agent) throws ConfigException {
 *     GpuSampler sampler = GpuSampler.from(agent.config().namespace("gpu"));
 *     agent.addToolCallHook(sampler);
 *     agent.addMetricsSection(sampler);
 *   }
 * }
 * }</pre>
 *
 * <p>An extension that throws {@link dev.comfyagent.instrument.config.ConfigException} is treated
 * like a wrong option (one stderr line; the whole agent stays out of the way, or the JVM stops with
 * {@code strict=true}); any other exception disables only that extension.
 */
public interface AgentExtension {

  /** A short name for diagnostics. */
  String name();

  /**
   * Installs the extension. Called once, after the core is ready and before classes are woven, so
   * weave targets added here apply from the first class loaded.
   */
  void install(AgentContext agent) throws Exception;
}
