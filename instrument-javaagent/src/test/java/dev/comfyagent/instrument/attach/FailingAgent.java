package dev.comfyagent.instrument.attach;

import java.lang.instrument.Instrumentation;

/** A test agent whose start fails, as a broken agent would. */
public final class FailingAgent {

  private FailingAgent() {}

  /** Always throws. */
  public static void agentmain(String options, Instrumentation instrumentation) {
    throw new IllegalStateException("test agent refuses to start");
  }
}
