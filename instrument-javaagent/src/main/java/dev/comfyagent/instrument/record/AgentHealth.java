package dev.comfyagent.instrument.record;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * The agent's own health: classes woven, weaving failures, and internal errors that were swallowed
 * so that the host never saw them. Reported in every metrics line ({@code agent} section).
 *
 * <p>Diagnostics go to stderr only, never stdout (stdout is the MCP channel): the first internal
 * error is described on one line, later ones are only counted, unless {@code debug=on}.
 *
 * <p>Thread-safe.
 */
public final class AgentHealth {

  private final boolean debug;
  private final LongAdder internalErrors = new LongAdder();
  private final LongAdder classesInstrumented = new LongAdder();
  private final LongAdder instrumentationFailures = new LongAdder();
  private final AtomicBoolean firstErrorReported = new AtomicBoolean();
  private final LongAdder sdkServerClassesWoven = new LongAdder();
  private final AtomicBoolean observabilityCheckStarted = new AtomicBoolean();
  private volatile IntSupplier toolCallPaths = () -> 0;

  /** The MCP SDK classes that hold the {@code tools/call} handler in one release or another. */
  static final java.util.Set<String> SDK_SERVER_CLASSES =
      java.util.Set.of(
          "io.modelcontextprotocol.server.McpAsyncServer",
          "io.modelcontextprotocol.server.McpAsyncServer$AsyncServerImpl",
          "io.modelcontextprotocol.server.McpStatelessAsyncServer");

  /** How long after the first SDK server class is woven the agent checks that calls can be seen. */
  static final long OBSERVABILITY_CHECK_MILLIS = 3000;

  /**
   * @param debug whether every event is described on stderr
   */
  public AgentHealth(boolean debug) {
    this.debug = debug;
  }

  /** Counts a failure inside the agent that was kept from the host. */
  public void internalError(String where, Throwable failure) {
    internalErrors.increment();
    if (debug || firstErrorReported.compareAndSet(false, true)) {
      diagnostic(
          "internal error in "
              + where
              + " ("
              + failure
              + "); the application is unaffected"
              + (debug ? "" : "; further ones are only counted (agent.internal_errors)"));
    }
  }

  /**
   * Where the number of tool-call paths woven is read (methods of the SDK's {@code tools/call}
   * handler that the agent's matcher found).
   */
  public void toolCallPathsFrom(IntSupplier paths) {
    this.toolCallPaths = paths;
  }

  /**
   * Whether tool calls can be observed: false when a server class of the MCP SDK was woven but none
   * of its methods is a {@code tools/call} path the agent knows (an SDK release whose handler
   * moved): the agent is loaded and counts classes, yet every call would go unseen.
   */
  public boolean toolCallsObservable() {
    return sdkServerClassesWoven.sum() == 0 || toolCallPaths.getAsInt() > 0;
  }

  /** SDK server classes woven ({@link #SDK_SERVER_CLASSES}). */
  public long sdkServerClassesWoven() {
    return sdkServerClassesWoven.sum();
  }

  /** Counts a class the agent wove. */
  public void classInstrumented(String className) {
    classesInstrumented.increment();
    if (SDK_SERVER_CLASSES.contains(className)) {
      sdkServerClassesWoven.increment();
      if (observabilityCheckStarted.compareAndSet(false, true)) {
        checkObservabilityLater();
      }
    }
    if (debug) {
      diagnostic("wove " + className);
    }
  }

  /** Counts a class the agent meant to weave but could not; the class runs unchanged. */
  public void instrumentationFailed(String className, Throwable failure) {
    instrumentationFailures.increment();
    if (debug) {
      diagnostic("could not weave " + className + " (" + failure + "); it runs unchanged");
    }
  }

  /**
   * Says once on stderr, a moment after the first server class was woven (the classes of one server
   * load together), when no tool call of it can be observed.
   */
  private void checkObservabilityLater() {
    Thread check =
        new Thread(
            () -> {
              try {
                Thread.sleep(OBSERVABILITY_CHECK_MILLIS);
              } catch (InterruptedException e) {
                return;
              }
              if (!toolCallsObservable()) {
                diagnostic(
                    "the MCP SDK's server classes were woven, but none has the tools/call handler"
                        + " the agent knows: tool calls of this server are NOT observed (this SDK"
                        + " release is not supported; metrics show agent.tool_calls_observable"
                        + " false)");
              }
            },
            "comfyagent-self-check");
    check.setDaemon(true);
    check.start();
  }

  /** Internal errors swallowed since start. */
  public long internalErrors() {
    return internalErrors.sum();
  }

  /** Classes woven since start. */
  public long classesInstrumented() {
    return classesInstrumented.sum();
  }

  /** Classes that could not be woven since start. */
  public long instrumentationFailures() {
    return instrumentationFailures.sum();
  }

  /** Whether {@code debug=on}. */
  public boolean debug() {
    return debug;
  }

  /** Prints one diagnostic line to stderr, prefixed so that it can be told from the host's. */
  public static void diagnostic(String line) {
    System.err.println("comfy-agent: " + line);
  }
}
