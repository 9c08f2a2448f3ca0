package dev.comfyagent.instrument.record;

import dev.comfyagent.instrument.record.ToolCallView.Layer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A call seen from another thread: entered there, it stands on that thread's stack as the parent of
 * the calls started inside it (same correlation id, {@code parent} its {@code seq}, same session),
 * and counts nothing itself.
 *
 * <p>Immutable; {@link #enter} and {@link #exit} work on the calling thread's stack.
 */
final class ParentScope implements HostReader.CallScope {

  private final ThreadLocal<CallStack> stacks;
  private final AgentHealth health;
  private final String toolName;
  private final String correlationId;
  private final AtomicInteger sequence;
  private final int seq;
  private final String sessionId;

  /** The scope of the call {@code frame} counts; its {@code seq} must be taken. */
  ParentScope(ThreadLocal<CallStack> stacks, AgentHealth health, CallFrame frame) {
    this.stacks = stacks;
    this.health = health;
    this.toolName = frame.toolName;
    this.correlationId = frame.correlationId;
    this.sequence = frame.sequence;
    this.seq = frame.seq;
    this.sessionId = frame.sessionId;
  }

  @Override
  public Object enter() {
    CallFrame frame = stacks.get().push();
    frame.layer = Layer.SDK_ASYNC;
    frame.toolName = toolName;
    frame.correlationId = correlationId;
    frame.sequence = sequence;
    frame.seq = seq;
    frame.sessionId = sessionId;
    frame.joined = true; // no call joins a stand-in: each call inside is a child
    frame.scopeOf = this;
    return frame;
  }

  @Override
  public void exit(Object token) {
    CallStack stack = stacks.get();
    if (token instanceof CallFrame frame && stack.contains(frame)) {
      stack.pop(frame);
    } else {
      health.internalError(
          "tool call scope exit", new IllegalStateException("scope not on this thread"));
    }
  }
}
