package dev.comfyagent.instrument.record;

/**
 * The woven frames active on one thread, innermost last, with a pool of reusable {@link
 * CallFrame}s. Also carries the JSON-RPC request id the SDK session is handling on this thread.
 *
 * <p>Not thread-safe: one instance per thread.
 */
final class CallStack {

  // A stack is made by its thread's ThreadLocal, on that thread.
  private final Thread thread = Thread.currentThread();
  private CallFrame[] frames = new CallFrame[8];
  private int depth;

  /** The record this thread fills for each call it hands to the trace sink. */
  final CallRecord record = new CallRecord();

  /** The id of the JSON-RPC request being dispatched on this thread, or null. */
  Object pendingJsonRpcId;

  /** The innermost frame, or null. */
  CallFrame top() {
    return depth == 0 ? null : frames[depth - 1];
  }

  /** A cleared frame, now the innermost. */
  CallFrame push() {
    if (depth == frames.length) {
      CallFrame[] grown = new CallFrame[frames.length * 2];
      System.arraycopy(frames, 0, grown, 0, frames.length);
      frames = grown;
    }
    CallFrame frame = frames[depth];
    if (frame == null) {
      frame = new CallFrame(this);
      frames[depth] = frame;
    }
    depth++;
    return frame;
  }

  /**
   * Whether {@code frame} is active on the calling thread: on this stack, and this stack is the
   * calling thread's. Lets an exit find its thread's stack from its frame, without a {@code
   * ThreadLocal} look-up.
   */
  boolean holdsOnThisThread(CallFrame frame) {
    return thread == Thread.currentThread() && contains(frame);
  }

  /** Whether {@code frame} is on this stack. */
  boolean contains(Object frame) {
    for (int i = depth - 1; i >= 0; i--) {
      if (frames[i] == frame) {
        return true;
      }
    }
    return false;
  }

  /**
   * Removes {@code frame} and any frame above it (left by an exit that never ran).
   *
   * @return the number of frames above it that were dropped, or -1 when it was not on the stack
   */
  int pop(CallFrame frame) {
    for (int i = depth - 1; i >= 0; i--) {
      if (frames[i] == frame) {
        int dropped = depth - 1 - i;
        for (int j = depth - 1; j >= i; j--) {
          frames[j].clear();
        }
        depth = i;
        return dropped;
      }
    }
    return -1;
  }

  /** Frames currently active. */
  int depth() {
    return depth;
  }
}
