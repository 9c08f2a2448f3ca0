package dev.comfyagent.instrument.record;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One woven method activation on one thread. Frames are pooled per thread by {@link CallStack} and
 * reused, so tracking a call allocates nothing; a frame is only meaningful between its push and
 * pop.
 *
 * <p>A frame either owns a logical tool call (it counts it) or is {@linkplain #owner joined} to the
 * frame it runs inside because both see the same call (the runtime's {@code Tool#call} inside the
 * SDK's adapter). Not thread-safe: only its own thread touches it.
 */
final class CallFrame implements ToolCallView {

  /** The stack that pools this frame: the frame is only ever pushed on its own thread's stack. */
  final CallStack stack;

  Layer layer;
  Object receiver;
  CallFrame owner;
  boolean joined;
  boolean claimedBySyncAdapter;
  ToolStats stats;
  String toolName;

  /** The call's start: its duration's, and its trace line's time through {@link AnchoredClock}. */
  long startNanos;

  String innerErrorType;

  String correlationId;
  AtomicInteger sequence;
  int seq;
  int parentSeq;

  /**
   * The call's input summary, rendered on entry into a buffer this pooled frame keeps (created the
   * first time the frame traces a call with summaries on), so that a traced call makes no text.
   */
  SummaryText summary;

  /**
   * Arguments whose summary is rendered only if this frame records the call (an asynchronous SDK
   * frame, which the synchronous adapter usually claims and renders itself).
   */
  Object unrenderedArguments;

  boolean viaMcp;
  String sessionId;
  Object jsonRpcId;
  String traceparent;

  /**
   * Set on a frame that only stands for a call running elsewhere (an asynchronous tool call, or a
   * call whose work was handed to a Reactor scheduler): it is the parent of the calls started
   * inside it, counts nothing, and no call joins it.
   */
  HostReader.CallScope scopeOf;

  CallFrame(CallStack stack) {
    this.stack = stack;
  }

  void clear() {
    layer = null;
    receiver = null;
    owner = null;
    joined = false;
    claimedBySyncAdapter = false;
    stats = null;
    toolName = null;
    innerErrorType = null;
    correlationId = null;
    sequence = null;
    seq = 0;
    parentSeq = 0;
    if (summary != null) {
      summary.clear();
    }
    unrenderedArguments = null;
    viaMcp = false;
    sessionId = null;
    jsonRpcId = null;
    traceparent = null;
    scopeOf = null;
  }

  /** The frame that counts this call: this one, or the one it joined. */
  CallFrame counting() {
    return owner != null ? owner : this;
  }

  @Override
  public String toolName() {
    return counting().toolName;
  }

  @Override
  public Layer layer() {
    return layer;
  }

  @Override
  public boolean joined() {
    return owner != null;
  }

  @Override
  public long startNanos() {
    return startNanos;
  }

  @Override
  public String correlationId() {
    return counting().correlationId;
  }
}
