package dev.comfyagent.instrument.record;

/**
 * A seam for the agent's hooks (the GPU sampler's fast sampling while a GPU-bound tool runs, and
 * its suffix on {@code execute_workflow}'s result). Called for every woven tool frame, joined ones
 * included, on the thread that runs the tool.
 *
 * <p>With no hook registered the hot path pays nothing. A hook must be fast, must not block, and
 * must not throw (a thrown exception is counted as an internal error and ignored).
 *
 * <p>Usage:
 *
 * <pre>{@code
 * tracker.addHook(new ToolCallHook() {
 *   public Object finished(ToolCallView call, Object result, Throwable thrown) {
 *     return call.layer() == Layer.TOOL && "execute_workflow".equals(call.toolName())
 *         ? withGpuSuffix(result) : result;
 *   }
 * });
 * }</pre>
 */
public interface ToolCallHook {

  /** A frame started. */
  /**
   * Whether this hook wants the frames of the tool called {@code toolName}. Asked once per tool
   * name and set of hooks, never per call, so a hook that watches a few tools costs the calls of
   * the others nothing. Frames counted under an aggregate name (more distinct tools than the agent
   * tracks, or no name) go to every hook. Default: every tool.
   */
  default boolean observes(String toolName) {
    return true;
  }

  default void started(ToolCallView call) {}

  /**
   * A frame ended.
   *
   * @param result what the woven method returns ({@code null} when it threw)
   * @param thrown what it threw, or {@code null}
   * @return the value the method returns instead: {@code result} unless the hook rewrites it, in
   *     which case it must be of the method's return type
   */
  default Object finished(ToolCallView call, Object result, Throwable thrown) {
    return result;
  }
}
