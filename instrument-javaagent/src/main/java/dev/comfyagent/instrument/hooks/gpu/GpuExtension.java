package dev.comfyagent.instrument.hooks.gpu;

import dev.comfyagent.instrument.AgentContext;
import dev.comfyagent.instrument.AgentExtension;
import dev.comfyagent.instrument.config.ConfigException;
import dev.comfyagent.instrument.host.RuntimeContract;
import dev.comfyagent.instrument.record.AgentHealth;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Installs GPU sampling: the sampler thread per the {@code gpu*} options, a GPU window around each
 * GPU-bound tool call with its figures put into the call's text result ({@link GpuToolHook}), and
 * the {@code gpu} section of metrics.jsonl and {@code get_agent_stats} ({@link GpuSection}).
 *
 * <p>All of it is about ComfyUI, so with the default {@code gpu=auto} it starts only where the host
 * is agent-runtime (its classes load: {@link AgentContext#whenHostIsAgentRuntime}); on any other
 * JVM there is no thread, no network request, no line on stderr, and no result is changed. {@code
 * gpu=on}, {@code gpu=nvidia-smi} or {@code gpu=comfyui} turn it on on any JVM; with {@code
 * gpu=off} there is no thread and no hook anywhere.
 *
 * <p>ComfyUI's address for the {@code /system_stats} fallback is the runtime's own: its {@code
 * --comfyui-host}/{@code --comfyui-port} flags when the JVM was started with them, else its {@code
 * COMFYUI_HOST}/{@code COMFYUI_PORT} environment (the runtime's precedence), unless {@code
 * gpu.comfyui.host}/{@code gpu.comfyui.port} say otherwise.
 */
public final class GpuExtension implements AgentExtension {

  @Override
  public String name() {
    return "gpu sampling";
  }

  @Override
  public void install(AgentContext agent) throws ConfigException {
    GpuSettings settings;
    try {
      settings =
          GpuSettings.fromOptions(
              options(agent.config().namespace("gpu")),
              runtimeEnvironment(System.getenv(), System.getProperty("sun.java.command")));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), agent.config().strict());
    }
    GpuSection section = new GpuSection(settings.mode());
    agent.addMetricsSection(section);
    switch (settings.mode()) {
      case OFF -> {
        // no thread, no hook: results stay exactly as the tools return them
      }
      case AUTO -> agent.whenHostIsAgentRuntime(() -> start(agent, settings, section));
      default -> start(agent, settings, section);
    }
  }

  /** Starts the sampler, and the hook that puts its figures into GPU-bound tools' results. */
  private static void start(AgentContext agent, GpuSettings settings, GpuSection section) {
    try {
      GpuSampler sampler = GpuSampler.start(settings, AgentHealth::diagnostic);
      agent.onStop(sampler::close);
      agent.addToolCallHook(new GpuToolHook(sampler, agent.health()));
      section.use(sampler);
    } catch (RuntimeException | LinkageError e) {
      agent.health().internalError("starting GPU sampling", e);
    }
  }

  /**
   * The {@code gpu} namespace (relative keys) as the full option keys {@link GpuSettings} reads.
   */
  static Map<String, String> options(Map<String, String> namespace) {
    Map<String, String> options = new TreeMap<>();
    namespace.forEach((key, value) -> options.put(key.isEmpty() ? "gpu" : "gpu." + key, value));
    return options;
  }

  /**
   * The environment as the runtime sees ComfyUI's address: {@code COMFYUI_HOST}/{@code
   * COMFYUI_PORT} replaced by the {@code --comfyui-host}/{@code --comfyui-port} flags of the JVM's
   * command line ({@code sun.java.command}: the main class or jar, then the program arguments),
   * which the runtime lets override them.
   */
  static Map<String, String> runtimeEnvironment(Map<String, String> env, String command) {
    Map<String, String> merged = new HashMap<>(env);
    if (command == null || command.isBlank()) {
      return merged;
    }
    String[] words = command.trim().split("\\s+");
    for (int i = 1; i < words.length; i++) {
      flag(words, i, RuntimeContract.COMFYUI_HOST_FLAG, RuntimeContract.COMFYUI_HOST_ENV, merged);
      flag(words, i, RuntimeContract.COMFYUI_PORT_FLAG, RuntimeContract.COMFYUI_PORT_ENV, merged);
    }
    return merged;
  }

  private static void flag(
      String[] words, int i, String flag, String variable, Map<String, String> merged) {
    if (words[i].equals(flag) && i + 1 < words.length) {
      merged.put(variable, words[i + 1]);
    } else if (words[i].startsWith(flag + "=")) {
      merged.put(variable, words[i].substring(flag.length() + 1));
    }
  }
}
