package dev.comfyagent.instrument;

import dev.comfyagent.instrument.attach.AttachCommand;
import dev.comfyagent.instrument.bootstrap.AgentBridge;
import dev.comfyagent.instrument.config.AgentConfig;
import dev.comfyagent.instrument.config.ConfigException;
import dev.comfyagent.instrument.emit.ProcessIdentity;
import dev.comfyagent.instrument.record.AgentHealth;
import dev.comfyagent.instrument.weave.Weaver;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Installs the agent from inside the isolated agent class loader: resolves and checks the options,
 * creates the {@link Agent}, runs the {@link AgentExtension}s, and starts it.
 *
 * <p>Whatever goes wrong is said on one stderr line and the host then runs uninstrumented; only
 * with {@code strict=true} does a wrong option or an unusable output directory throw, which stops
 * the JVM's start when called from {@code premain}.
 *
 * <p>Called once per JVM by {@link AgentEntry} through reflection; a second copy of the agent in
 * the same JVM reports itself and does nothing.
 */
public final class AgentInstaller {

  private AgentInstaller() {}

  /**
   * Installs the agent.
   *
   * @param arguments the option string after the jar, or null
   * @param instrumentation the JVM's instrumentation
   * @param attachedLate whether the agent is loaded into a running JVM
   * @param agentJar the agent jar (for diagnostics)
   * @throws IllegalStateException only with {@code strict=true}, naming what is wrong
   */
  public static void install(
      String arguments, Instrumentation instrumentation, boolean attachedLate, Path agentJar) {
    // Byte Buddy initializes while the options are read and the extensions run.
    Thread weaverPreparation = Weaver.prepareInBackground();
    AgentConfig config;
    try {
      config = AgentConfig.resolve(arguments, System.getProperties(), System.getenv());
    } catch (ConfigException e) {
      refuse(e.getMessage(), e.strict());
      return;
    }
    if (AgentBridge.installed()) {
      AgentHealth.diagnostic(
          "another copy of the agent already runs in this JVM; " + agentJar + " does nothing");
      return;
    }
    String version = version(agentJar);
    Agent agent;
    try {
      agent =
          Agent.create(
              config,
              instrumentation,
              attachedLate,
              AgentInstaller.class.getClassLoader(),
              weaverPreparation,
              ProcessIdentity.of(config.serviceName(), version, System.getenv()));
    } catch (IOException | RuntimeException e) {
      refuse(
          "cannot write to output.dir " + config.outputDir().toAbsolutePath() + " (" + e + ")",
          config.strict());
      return;
    }
    try {
      for (AgentExtension extension :
          ServiceLoader.load(AgentExtension.class, AgentInstaller.class.getClassLoader())) {
        try {
          extension.install(agent);
        } catch (ConfigException e) {
          agent.abandon();
          refuse(e.getMessage(), config.strict() || e.strict());
          return;
        } catch (Exception | LinkageError e) {
          AgentHealth.diagnostic(
              "extension " + extension.name() + " is off (" + e + "); the rest of the agent runs");
        }
      }
    } catch (ServiceConfigurationError e) {
      AgentHealth.diagnostic("extensions are off (" + e.getMessage() + "); the core agent runs");
    }
    if (!agent.start()) {
      AgentHealth.diagnostic(
          "another copy of the agent already runs in this JVM; " + agentJar + " does nothing");
      return;
    }
    // Read by the attach command, which refuses to load the agent twice into one JVM.
    System.setProperty(AttachCommand.LOADED_PROPERTY, version);
    if (config.debug()) {
      AgentHealth.diagnostic(
          "running with " + config + ", writing to " + config.outputDir().toAbsolutePath());
    }
  }

  /** The agent jar's {@code Implementation-Version}, or {@code unknown}. */
  static String version(Path agentJar) {
    if (agentJar != null) {
      try (JarFile jar = new JarFile(agentJar.toFile(), false)) {
        Manifest manifest = jar.getManifest();
        String version =
            manifest == null
                ? null
                : manifest.getMainAttributes().getValue(Attributes.Name.IMPLEMENTATION_VERSION);
        if (version != null && !version.isBlank()) {
          return version;
        }
      } catch (IOException | RuntimeException e) {
        // a development layout (classes folder): no manifest to read
      }
    }
    return "unknown";
  }

  private static void refuse(String problem, boolean strict) {
    if (strict) {
      AgentHealth.diagnostic(problem + "; stopping because strict=true");
      throw new IllegalStateException("comfy-agent: " + problem);
    }
    AgentHealth.diagnostic(
        problem + "; the application runs without the agent (strict=true stops it instead)");
  }
}
