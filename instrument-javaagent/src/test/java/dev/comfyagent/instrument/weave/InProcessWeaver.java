package dev.comfyagent.instrument.weave;

import dev.comfyagent.instrument.record.AgentHealth;

/** Weavers for tests in other packages that weave classes of their own class loader. */
public final class InProcessWeaver {

  private InProcessWeaver() {}

  /** A weaver whose advice lives in {@code loader}, which also holds the classes to weave. */
  public static Weaver sharingLoader(AgentHealth health, ClassLoader loader) {
    return new Weaver(health, loader, false);
  }
}
