package dev.comfyagent.instrument.record;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * An asynchronous {@code tools/call} waiting for its {@code Mono} to terminate: what its frame knew
 * when the handler returned (the frame itself is reused at once), counted exactly once by whichever
 * signal comes first, on whatever thread delivers it.
 *
 * <p>Thread-safe: the first outcome wins.
 */
final class AsyncCall implements HostReader.MonoObserver {

  private static final VarHandle DONE;

  static {
    try {
      DONE = MethodHandles.lookup().findVarHandle(AsyncCall.class, "done", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final ToolCallTracker tracker;
  private volatile boolean done;
  final ToolStats stats;
  final long startNanos;
  final String correlationId;
  final String toolName;
  final String inputSummary;
  final int seq;
  final int parentSeq;
  final String sessionId;
  final Object jsonRpcId;
  final String innerErrorType;
  final String traceparent;

  /** The scope the call's work runs within (tracing on), else null. */
  final ParentScope scope;

  /** What {@code frame} knows; its {@code seq} must be taken. */
  AsyncCall(ToolCallTracker tracker, CallFrame frame, ParentScope scope) {
    this.tracker = tracker;
    this.scope = scope;
    this.stats = frame.stats;
    this.startNanos = frame.startNanos;
    this.correlationId = frame.correlationId;
    this.toolName = frame.toolName;
    this.inputSummary = frame.summary == null ? null : frame.summary.text();
    this.seq = frame.seq;
    this.parentSeq = frame.parentSeq;
    this.sessionId = frame.sessionId;
    this.jsonRpcId = frame.jsonRpcId;
    this.innerErrorType = frame.innerErrorType;
    this.traceparent = frame.traceparent;
  }

  @Override
  public void succeeded(Object value) {
    finish(tracker.isErrorResultSafely(value) ? errorType() : null);
  }

  private String errorType() {
    return innerErrorType != null ? innerErrorType : "tool_error";
  }

  @Override
  public void failed(Throwable error) {
    finish(error == null ? "unknown" : error.getClass().getName());
  }

  @Override
  public void cancelled() {
    finish("cancelled");
  }

  private void finish(String errorType) {
    if (DONE.compareAndSet(this, false, true)) {
      tracker.finishedAsync(this, System.nanoTime() - startNanos, errorType);
    }
  }
}
