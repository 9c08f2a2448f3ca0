package dev.comfyagent.benchmarks.overhead;

import java.lang.reflect.InvocationTargetException;

/**
 * Tells which Java agents are running in this JVM, from the classes they put on the bootstrap class
 * path: this project's agent its bridge ({@code dev.comfyagent.instrument.bootstrap.AgentBridge},
 * whose {@code installed()} is true once the agent's dispatch is in place), the OpenTelemetry Java
 * agent its {@code io.opentelemetry.javaagent.bootstrap.AgentInitializer}. Looked up by name in the
 * bootstrap loader only, so a copy on the application class path does not count, and nothing is
 * linked against either agent.
 *
 * <p>Stateless and thread-safe.
 */
final class RunningAgents {

  static final String AGENT_BRIDGE = "dev.comfyagent.instrument.bootstrap.AgentBridge";
  static final String OTEL_INITIALIZER = "io.opentelemetry.javaagent.bootstrap.AgentInitializer";

  private RunningAgents() {}

  /** Whether instrument-javaagent is installed: its bridge is loaded and dispatching. */
  static boolean thisAgentRunning() {
    Class<?> bridge = bootstrapClass(AGENT_BRIDGE);
    if (bridge == null) {
      return false;
    }
    try {
      return Boolean.TRUE.equals(bridge.getMethod("installed").invoke(null));
    } catch (NoSuchMethodException | IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException(
          AGENT_BRIDGE + " has no callable installed(): an agent of another version?", e);
    }
  }

  /** Whether the OpenTelemetry Java agent put its bootstrap classes in place. */
  static boolean openTelemetryRunning() {
    return bootstrapClass(OTEL_INITIALIZER) != null;
  }

  /** The class of that name from the bootstrap loader (not initialized), or {@code null}. */
  static Class<?> bootstrapClass(String name) {
    try {
      return Class.forName(name, false, null);
    } catch (ClassNotFoundException e) {
      return null;
    }
  }
}
