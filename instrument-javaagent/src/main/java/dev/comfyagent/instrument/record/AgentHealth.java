package dev.comfyagent.instrument.record;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

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

  /** Counts a class the agent wove. */
  public void classInstrumented(String className) {
    classesInstrumented.increment();
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
