package dev.comfyagent.instrument.hooks.probe;

import dev.comfyagent.instrument.host.RuntimeContract;
import java.util.List;

/**
 * The built-in memory probes: agent-runtime's caches, session registry and undo histories, read
 * through the methods its architecture publishes for the agent (docs/architecture.md, "Contracts
 * the agent relies on"). Each of these methods only reads what is held: none loads or fetches
 * anything ({@code ManagerNodeMap#size} never reads the ComfyUI-Manager files, {@code
 * NodeCatalog#size} never asks ComfyUI).
 *
 * <p>In a server that is not agent-runtime these classes never load and the probes stay silent.
 */
public final class RuntimeProbeProfile {

  private RuntimeProbeProfile() {}

  /** The probes, in the order they are reported. */
  public static List<ProbeSpec> probes() {
    return List.of(
        builtIn("node_catalog", RuntimeContract.NODE_CATALOG, RuntimeContract.SIZE),
        builtIn("model_lists", RuntimeContract.MODEL_CATALOG, RuntimeContract.SIZE),
        builtIn("discovery_cache", RuntimeContract.MANAGER_NODE_MAP, RuntimeContract.SIZE),
        builtIn("session_registry", RuntimeContract.SESSION_REGISTRY, RuntimeContract.SIZE),
        builtIn(
            "undo_history_depth",
            RuntimeContract.UNDO_HISTORY,
            RuntimeContract.UNDO_HISTORY_DEPTH));
  }

  private static ProbeSpec builtIn(String name, String className, String method) {
    return new ProbeSpec(name, className, method, true);
  }
}
