package dev.comfyagent.instrument;

import dev.comfyagent.instrument.attach.AttachCommand;
import dev.comfyagent.instrument.bootstrap.AgentBridge;
import dev.comfyagent.instrument.config.AgentConfig;
import dev.comfyagent.instrument.config.ConfigException;
import dev.comfyagent.instrument.config.Option;
import dev.comfyagent.instrument.config.ToolPattern;
import dev.comfyagent.instrument.emit.ProcessIdentity;
import dev.comfyagent.instrument.host.RuntimeContract;
import dev.comfyagent.instrument.record.AgentHealth;
import dev.comfyagent.instrument.weave.RuntimeHostWatch;
import dev.comfyagent.instrument.weave.StartTrigger;
import java.io.IOException;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicReference;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Installs the agent from inside the isolated agent class loader in two steps.
 *
 * <p>{@code premain}: resolves and checks the options (a wrong one is said now, not later) and
 * registers a {@link StartTrigger}, a plain class file transformer that tests class names and does
 * nothing else. A JVM in which no class worth observing ever loads stops there: no Byte Buddy, no
 * thread, no file, nothing on stderr.
 *
 * <p>Start: the first class of the MCP Java SDK's server package, of agent-runtime, or named by the
 * {@code tools} or {@code probe.*} options defines the bridge in the bootstrap class loader,
 * creates the {@link Agent} (its output files), runs the {@link AgentExtension}s and weaves, the
 * triggering class first. After a late attach ({@code agentmain}) this happens at once.
 *
 * <p>Whatever goes wrong is said on one stderr line and the host then runs uninstrumented; only
 * with {@code strict=true} does a wrong option or an unusable output directory throw out of {@code
 * install} (at {@code premain}) or end the JVM with status 2 (at the start, once the host runs).
 *
 * <p>Called once per JVM by {@code entry.AgentEntry} through reflection; a second copy of the agent
 * in the same JVM reports itself and does nothing.
 */
public final class AgentInstaller {

  /** Packages whose first class starts the agent: the SDK's servers and agent-runtime. */
  static final List<String> BUILT_IN_TRIGGERS =
      List.of("io.modelcontextprotocol.server.", RuntimeContract.PACKAGE_PREFIX);

  private AgentInstaller() {}

  /**
   * Installs the agent.
   *
   * @param arguments the option string after the jar, or null
   * @param instrumentation the JVM's instrumentation
   * @param attachedLate whether the agent is loaded into a running JVM
   * @param agentJar the agent jar (its bridge classes go to the bootstrap loader when the agent
   *     starts)
   * @throws IllegalStateException only with {@code strict=true}, naming what is wrong
   */
  public static void install(
      String arguments, Instrumentation instrumentation, boolean attachedLate, Path agentJar) {
    install(arguments, instrumentation, attachedLate, agentJar, CREATE);
  }

  /**
   * {@link Agent#create}, as a class of its own rather than a method reference: premain must not
   * link {@code Agent} (whose dispatch implements the bootstrap bridge's interface, which is not on
   * the bootstrap class loader until the agent starts), nor bootstrap a lambda.
   */
  private static final AgentFactory CREATE =
      new AgentFactory() {
        @Override
        public Agent create(
            AgentConfig config,
            Instrumentation instrumentation,
            boolean attachedLate,
            ClassLoader loader,
            RuntimeHostWatch runtimeWatch,
            ProcessIdentity identity)
            throws IOException {
          return Agent.create(
              config, instrumentation, attachedLate, loader, runtimeWatch, identity);
        }
      };

  /** How the agent is created once it starts: {@link Agent#create}, or a test's stand-in. */
  @FunctionalInterface
  interface AgentFactory {
    Agent create(
        AgentConfig config,
        Instrumentation instrumentation,
        boolean attachedLate,
        ClassLoader loader,
        RuntimeHostWatch runtimeWatch,
        ProcessIdentity identity)
        throws IOException;
  }

  /**
   * {@link #install(String, Instrumentation, boolean, Path)} with the agent made by {@code
   * factory}.
   */
  static void install(
      String arguments,
      Instrumentation instrumentation,
      boolean attachedLate,
      Path agentJar,
      AgentFactory factory) {
    AgentConfig config;
    try {
      config = AgentConfig.resolve(arguments, System.getProperties(), System.getenv());
    } catch (ConfigException e) {
      refuse(e.getMessage(), e.strict());
      return;
    }
    RuntimeHostWatch runtimeWatch = new RuntimeHostWatch();
    AtomicReference<Agent> started = new AtomicReference<>();
    AtomicReference<StartTrigger> self = new AtomicReference<>();
    // An anonymous class, not a lambda: premain bootstraps no lambda in a JVM that never starts us.
    StartTrigger.Activation activation =
        new StartTrigger.Activation() {
          @Override
          public ClassFileTransformer activate(String triggeringClass) {
            Agent agent =
                start(
                    config,
                    instrumentation,
                    attachedLate,
                    agentJar,
                    runtimeWatch,
                    triggeringClass,
                    factory);
            if (agent == null) {
              return null;
            }
            started.set(agent);
            if (!attachedLate) {
              catchUpOnceActive(agent, self);
            }
            return agent.weaving();
          }
        };
    StartTrigger trigger = new StartTrigger(triggers(config), runtimeWatch, activation);
    self.set(trigger);
    // Read by the attach command, which refuses to load the agent twice into one JVM.
    System.setProperty(AttachCommand.LOADED_PROPERTY, version(agentJar));
    if (instrumentation == null) {
      return; // a test of the options alone
    }
    instrumentation.addTransformer(trigger, true);
    if (attachedLate) {
      runtimeWatch.checkLoaded(instrumentation);
      if (trigger.activateNow()) {
        started.get().retransformLoaded();
      }
    }
  }

  /**
   * Weaves the classes that loaded before the trigger (a Resilience4j breaker built first, a probe
   * class), off the host's thread, once the trigger hands classes to the agent.
   */
  private static void catchUpOnceActive(Agent agent, AtomicReference<StartTrigger> trigger) {
    Thread catchUp =
        new Thread(
            () -> {
              long deadline = System.nanoTime() + 60_000_000_000L;
              while (!trigger.get().active() && System.nanoTime() < deadline) {
                try {
                  Thread.sleep(5);
                } catch (InterruptedException e) {
                  return;
                }
              }
              agent.retransformLoaded();
            },
            "comfyagent-catch-up");
    catchUp.setDaemon(true);
    catchUp.start();
  }

  /**
   * The class names whose loading starts the agent: the SDK's server package and agent-runtime,
   * unless their weaving is off, and the classes the user named ({@code tools}, {@code probe.*}).
   */
  static List<String> triggers(AgentConfig config) {
    List<String> triggers = new ArrayList<>(BUILT_IN_TRIGGERS);
    for (ToolPattern pattern : config.toolPatterns()) {
      String glob = pattern.typeGlob();
      int star = glob.indexOf('*');
      triggers.add(star < 0 ? glob : glob.substring(0, star));
    }
    for (String target : config.namespace(Option.PROBE_PREFIX).values()) {
      int hash = target.indexOf('#');
      if (hash > 0) {
        triggers.add(target.substring(0, hash).trim());
      }
    }
    return triggers;
  }

  /**
   * Starts the agent: bootstrap bridge, files, extensions, weaving.
   *
   * @return the started agent, or {@code null} when it stays off
   */
  private static Agent start(
      AgentConfig config,
      Instrumentation instrumentation,
      boolean attachedLate,
      Path agentJar,
      RuntimeHostWatch runtimeWatch,
      String triggeringClass,
      AgentFactory factory) {
    try {
      if (!BridgeInjection.inject(instrumentation, agentJar)) {
        instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(agentJar.toFile()));
      }
    } catch (IOException | RuntimeException e) {
      AgentHealth.diagnostic("cannot start (" + e + "); the application runs without the agent");
      return null;
    }
    if (AgentBridge.installed()) {
      AgentHealth.diagnostic(
          "another copy of the agent already runs in this JVM; " + agentJar + " does nothing");
      return null;
    }
    String version = version(agentJar);
    Agent agent;
    try {
      agent =
          factory.create(
              config,
              instrumentation,
              attachedLate,
              AgentInstaller.class.getClassLoader(),
              runtimeWatch,
              ProcessIdentity.of(config.serviceName(), version, System.getenv()));
    } catch (IOException | RuntimeException | LinkageError e) {
      refuseAfterStart(creationFailure(config, e), config.strict(), attachedLate);
      return null;
    }
    try {
      for (AgentExtension extension :
          ServiceLoader.load(AgentExtension.class, AgentInstaller.class.getClassLoader())) {
        try {
          extension.install(agent);
        } catch (ConfigException e) {
          agent.abandon();
          refuseAfterStart(e.getMessage(), config.strict() || e.strict(), attachedLate);
          return null;
        } catch (Exception | LinkageError e) {
          AgentHealth.diagnostic(
              "extension " + extension.name() + " is off (" + e + "); the rest of the agent runs");
        }
      }
    } catch (ServiceConfigurationError e) {
      AgentHealth.diagnostic("extensions are off (" + e.getMessage() + "); the core agent runs");
    }
    ClassFileTransformer weaving = agent.start();
    if (weaving == null) {
      AgentHealth.diagnostic(
          "another copy of the agent already runs in this JVM; " + agentJar + " does nothing");
      return null;
    }
    if (config.debug()) {
      AgentHealth.diagnostic(
          "started on "
              + (triggeringClass == null ? "attach" : triggeringClass)
              + " with "
              + config
              + ", writing to "
              + config.outputDir().toAbsolutePath());
    }
    return agent;
  }

  /**
   * What stopped the agent from being created, as the one line the user reads: the output folder
   * only when the output files could not be made ({@link Agent#create} throws {@code IOException}
   * for nothing else); any other failure by its own name and where it came from.
   */
  static String creationFailure(AgentConfig config, Throwable failure) {
    if (failure instanceof IOException) {
      return "cannot write to output.dir "
          + config.outputDir().toAbsolutePath()
          + " ("
          + failure
          + ")";
    }
    StackTraceElement[] trace = failure.getStackTrace();
    String cause =
        failure
            + (trace.length == 0 ? "" : " at " + trace[0])
            + (failure.getCause() == null ? "" : ", caused by " + failure.getCause());
    return "cannot start (" + cause.replaceAll("\\R+", " ") + ")";
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
      // Said on stderr already: the entry knows it by the prefix and stops without a second line.
      throw new IllegalStateException("comfy-agent: " + problem);
    }
    AgentHealth.diagnostic(
        problem + "; the application runs without the agent (strict=true stops it instead)");
  }

  /**
   * A problem found when the agent starts, after {@code premain}: with {@code strict=true} the JVM
   * exits with status 2 (a late attach only fails), else the application runs without the agent.
   */
  private static void refuseAfterStart(String problem, boolean strict, boolean attachedLate) {
    if (strict && !attachedLate) {
      AgentHealth.diagnostic(problem + "; stopping because strict=true");
      System.err.flush();
      System.exit(2);
    }
    refuse(problem, strict);
  }
}
