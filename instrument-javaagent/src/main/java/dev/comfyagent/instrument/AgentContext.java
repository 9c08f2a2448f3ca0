package dev.comfyagent.instrument;

import dev.comfyagent.instrument.config.AgentConfig;
import dev.comfyagent.instrument.emit.MetricsSection;
import dev.comfyagent.instrument.record.AgentHealth;
import dev.comfyagent.instrument.record.AgentStats;
import dev.comfyagent.instrument.record.HostReader;
import dev.comfyagent.instrument.record.ToolCallHook;
import dev.comfyagent.instrument.weave.InstanceListener;
import dev.comfyagent.instrument.weave.SdkServerContributor;
import dev.comfyagent.instrument.weave.WeaveTarget;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;

/**
 * What an {@link AgentExtension} may use and extend: the options, the figures, more weave targets,
 * more sections of the metrics line, and hooks around tool calls.
 *
 * <p>Thread-safe.
 */
public interface AgentContext {

  /** The resolved options, including the reserved namespaces ({@code probe.*}, {@code gpu*}). */
  AgentConfig config();

  /** The figures recorded so far (for {@code get_agent_stats}). */
  AgentStats stats();

  /** The agent's health counters. */
  AgentHealth health();

  /** Reads host objects through method handles. */
  HostReader host();

  /** The directory of metrics.jsonl and traces.jsonl. */
  Path outputDir();

  /** The JVM's instrumentation. */
  Instrumentation instrumentation();

  /** Whether the agent was loaded into a running JVM (attach) rather than at startup. */
  boolean attachedLate();

  /** Adds classes to weave, installed together with the core's targets. */
  void addWeaveTarget(WeaveTarget target);

  /** Adds a section to every metrics line. */
  void addMetricsSection(MetricsSection section);

  /** Adds a hook called at every tool frame's start and end. */
  void addToolCallHook(ToolCallHook hook);

  /**
   * Adds a listener for the instances that {@link
   * dev.comfyagent.instrument.weave.InstanceCaptureWeave}s (added with {@link #addWeaveTarget})
   * see.
   */
  void addInstanceListener(InstanceListener listener);

  /**
   * Adds a contributor to every MCP SDK server built from now on (it takes effect once {@link
   * dev.comfyagent.instrument.weave.SdkServerFeaturesWeave} is added with {@link #addWeaveTarget}).
   */
  void addSdkServerContributor(SdkServerContributor contributor);

  /**
   * Runs {@code action} once the host is known to be agent-runtime (its main class or its {@code
   * Tool} interface loaded), at once if it already is; on a host that is not, never. Actions run on
   * the thread that loads the class and must not block.
   */
  void whenHostIsAgentRuntime(Runnable action);

  /**
   * Runs {@code action} when the agent stops (JVM shutdown, after the final metrics line), or when
   * it is abandoned before it started.
   */
  void onStop(Runnable action);
}
