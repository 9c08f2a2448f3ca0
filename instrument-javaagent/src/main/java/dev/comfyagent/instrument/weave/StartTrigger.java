package dev.comfyagent.instrument.weave;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.security.ProtectionDomain;
import java.util.Arrays;
import java.util.List;

/**
 * The agent's only class file transformer, and all that {@code premain} installs: until a class
 * that the agent exists for appears, it costs each class the JVM loads a few string tests and does
 * nothing else, so that a JVM in which no MCP server ever loads (a build tool, {@code java
 * -version}, any JVM under {@code JAVA_TOOL_OPTIONS}) pays next to nothing: no Byte Buddy, no
 * thread, no file, no line on stderr.
 *
 * <p>The first class whose name starts with one of the <em>trigger</em> prefixes (the MCP Java
 * SDK's server package, agent-runtime's packages, the classes named by the {@code tools} and {@code
 * probe.*} options) starts the agent on the thread that loads it ({@link Activation}); the
 * activation returns the weaving transformer, which from then on receives every class through this
 * one, the triggering class first. Only one transformer is ever registered, so no class can be
 * woven twice by a transformer installed while it was being loaded. A failed activation leaves this
 * transformer a no-op. A class loaded while the activation runs (by the activation itself, or by
 * another thread that did not wait) is not woven at load; the agent retransforms the classes loaded
 * before it was ready once it started.
 *
 * <p>It also tells the {@link RuntimeHostWatch} about every class name it sees until the host is
 * known to be agent-runtime.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * StartTrigger trigger = new StartTrigger(List.of("io.modelcontextprotocol.server."), watch,
 *     triggeringClass -> agent.start());   // returns the weaving transformer, or null
 * instrumentation.addTransformer(trigger, true);
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class StartTrigger implements ClassFileTransformer {

  /** Starts the agent; called once, on the thread that loads the first trigger class. */
  @FunctionalInterface
  public interface Activation {
    /**
     * @param triggeringClass the class's binary name, or {@code null} when started at once
     * @return the transformer that weaves from now on, or {@code null} when the agent stays off
     */
    ClassFileTransformer activate(String triggeringClass);
  }

  private final String[] prefixes;
  private final RuntimeHostWatch runtimeWatch;
  private final Activation activation;
  private final Object lock = new Object();
  private volatile ClassFileTransformer weaving;
  private volatile boolean settled;
  private boolean activating;

  /**
   * @param triggers binary class names or package prefixes ending in a dot
   * @param runtimeWatch told about class names until it has recognised agent-runtime
   * @param activation starts the agent
   */
  public StartTrigger(List<String> triggers, RuntimeHostWatch runtimeWatch, Activation activation) {
    // A loop, not a stream: this runs in premain of every JVM the agent is loaded into.
    java.util.ArrayList<String> internal = new java.util.ArrayList<>();
    for (String trigger : triggers) {
      String name = trigger.strip().replace('.', '/');
      if (!name.isEmpty() && !internal.contains(name)) {
        internal.add(name);
      }
    }
    this.prefixes = internal.toArray(new String[0]);
    this.runtimeWatch = runtimeWatch;
    this.activation = activation;
  }

  /** Starts the agent now, whatever loads (a late attach); returns whether it started. */
  public boolean activateNow() {
    return activate(null) != null;
  }

  /** Whether the agent has started and weaves. */
  public boolean active() {
    return weaving != null;
  }

  @Override
  public byte[] transform(
      Module module,
      ClassLoader loader,
      String internalName,
      Class<?> classBeingRedefined,
      ProtectionDomain domain,
      byte[] classFile)
      throws IllegalClassFormatException {
    runtimeWatch.classLoaded(internalName);
    ClassFileTransformer current = weaving;
    if (current == null) {
      if (settled || classBeingRedefined != null || !triggers(internalName)) {
        return null;
      }
      current = activate(internalName);
      if (current == null) {
        return null;
      }
    }
    return current.transform(module, loader, internalName, classBeingRedefined, domain, classFile);
  }

  @Override
  public byte[] transform(
      ClassLoader loader,
      String internalName,
      Class<?> classBeingRedefined,
      ProtectionDomain domain,
      byte[] classFile)
      throws IllegalClassFormatException {
    return transform(null, loader, internalName, classBeingRedefined, domain, classFile);
  }

  /** Whether loading this class starts the agent. */
  boolean triggers(String internalName) {
    if (internalName == null) {
      return false;
    }
    for (String prefix : prefixes) {
      if (internalName.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  private ClassFileTransformer activate(String internalName) {
    synchronized (lock) {
      if (settled || activating) {
        // settled: another thread finished meanwhile; activating: a class loaded by the
        // activation itself, on this thread, which is retransformed once the agent runs
        return weaving;
      }
      activating = true;
      try {
        ClassFileTransformer started =
            activation.activate(internalName == null ? null : internalName.replace('/', '.'));
        weaving = started;
        return started;
      } finally {
        activating = false;
        settled = true;
      }
    }
  }

  @Override
  public String toString() {
    return "StartTrigger" + Arrays.toString(prefixes);
  }
}
