package dev.comfyagent.instrument.attach;

import java.lang.instrument.Instrumentation;

/**
 * A test agent that loads but does not start, as the real agent does when it refuses its options:
 * it returns without announcing itself.
 */
public final class SilentAgent {

  private SilentAgent() {}

  /** Returns at once. */
  public static void agentmain(String options, Instrumentation instrumentation) {
    // stays out of the way, like an agent given a wrong option
  }
}
