package dev.comfyagent.runtime.workflow;

/**
 * A test seam: named points on a change's way through {@link WorkflowState} and {@link
 * WorkflowPatcher} where a test can make the change fail, to prove that a failure anywhere leaves
 * the workflow and its undo history as they were. Production code only ever uses {@link #NONE}.
 *
 * <p>Points: {@code "patch op <i>"} before each operation, {@code "patch structure"} before the
 * structural check, then in {@link WorkflowState} {@code "computed"}, {@code "answer"} (before the
 * tool's answer is built), {@code "answered"} and {@code "commit"} (the last point before the
 * change is made).
 */
@FunctionalInterface
interface MutationFaults {

  /** No faults: every point passes. */
  MutationFaults NONE = point -> {};

  /**
   * Called when a change reaches {@code point}; throws to make the change fail there.
   *
   * @param point the point's name, as listed on this interface
   */
  void reached(String point);
}
