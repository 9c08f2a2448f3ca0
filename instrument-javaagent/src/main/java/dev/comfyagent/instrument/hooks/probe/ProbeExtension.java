package dev.comfyagent.instrument.hooks.probe;

import dev.comfyagent.instrument.AgentContext;
import dev.comfyagent.instrument.AgentExtension;
import dev.comfyagent.instrument.config.ConfigException;
import dev.comfyagent.instrument.record.AgentHealth;
import dev.comfyagent.instrument.weave.InstanceCaptureWeave;
import java.util.List;

/**
 * Installs the memory probes: agent-runtime's built-in profile ({@link RuntimeProbeProfile}) and
 * the user's {@code probe.<name>=<class>#<method>} options, woven at their classes' constructors,
 * reported in the {@code memory} section of metrics.jsonl and in {@code get_agent_stats}.
 *
 * <p>A malformed {@code probe.*} option is a wrong option (the agent stays out of the way, or stops
 * the JVM's start with {@code strict=true}); a probe whose class or method is missing is reported
 * once and skipped.
 */
public final class ProbeExtension implements AgentExtension {

  @Override
  public String name() {
    return "memory probes";
  }

  @Override
  public void install(AgentContext agent) throws ConfigException {
    List<ProbeSpec> specs;
    try {
      specs = ProbeSpec.resolve(RuntimeProbeProfile.probes(), agent.config().namespace("probe."));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), agent.config().strict());
    }
    MemoryProbes probes = new MemoryProbes(specs, AgentHealth::diagnostic);
    probes.checkClassPath(ClassLoader.getSystemClassLoader());
    agent.addInstanceListener(probes);
    agent.addWeaveTarget(new InstanceCaptureWeave(probes.classNames(), agent.attachedLate()));
    agent.addMetricsSection(probes);
  }
}
