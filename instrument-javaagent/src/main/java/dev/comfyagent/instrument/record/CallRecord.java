package dev.comfyagent.instrument.record;

/**
 * One finished tool call on its way to a {@link TraceSink}: the fields of a {@link TraceEvent},
 * held in a mutable object that a thread fills and hands over for every call it traces, so that
 * tracing a call makes no object. Its {@linkplain #inputSummary() summary} is a view of the call
 * frame's buffer, valid only during {@link TraceSink#offer(CallRecord)}.
 *
 * <p>Not thread-safe: one per thread, read by the sink on the same thread.
 */
public final class CallRecord {

  long epochMillis;
  String correlationId;
  String toolName;
  long durationNanos;
  String errorType;
  SummaryText inputSummary;
  String inputSummaryText;
  int seq;
  int parentSeq;
  boolean viaMcp;
  String sessionId;
  Object jsonRpcId;
  String traceparent;

  /** When the call started (wall clock). */
  public long epochMillis() {
    return epochMillis;
  }

  /** The call chain's correlation id. */
  public String correlationId() {
    return correlationId;
  }

  /** The tool's name. */
  public String toolName() {
    return toolName;
  }

  /** How long the call took. */
  public long durationNanos() {
    return durationNanos;
  }

  /** The exception class, {@code tool_error}, or {@code null} on success. */
  public String errorType() {
    return errorType;
  }

  /** Whether the call succeeded. */
  public boolean success() {
    return errorType == null;
  }

  /**
   * The bounded, redacted arguments, or {@code null} when there are none: a view that is only valid
   * until the sink returns.
   */
  public CharSequence inputSummary() {
    if (inputSummary != null) {
      return inputSummary.present() ? inputSummary : null;
    }
    return inputSummaryText;
  }

  /** The call's number within its correlation id, from 1. */
  public int seq() {
    return seq;
  }

  /** The {@code seq} of the call this one ran inside, or 0. */
  public int parentSeq() {
    return parentSeq;
  }

  /** Whether the call arrived as an MCP {@code tools/call}. */
  public boolean viaMcp() {
    return viaMcp;
  }

  /** The MCP session id, or {@code null}. */
  public String sessionId() {
    return sessionId;
  }

  /** The JSON-RPC request id (a number or string), or {@code null}. */
  public Object jsonRpcId() {
    return jsonRpcId;
  }

  /** The request's valid W3C {@code traceparent} when this call starts its chain, or null. */
  public String traceparent() {
    return traceparent;
  }

  /** The same call as an immutable event (a new object: for sinks that keep events). */
  public TraceEvent toEvent() {
    CharSequence summary = inputSummary();
    return new TraceEvent(
        epochMillis,
        correlationId,
        toolName,
        durationNanos,
        errorType == null,
        summary == null ? null : summary.toString(),
        seq,
        parentSeq,
        errorType,
        viaMcp,
        sessionId,
        jsonRpcId,
        traceparent);
  }

  /** Describes the call {@code frame} owns, number {@code seq} of its chain, as it ended. */
  void set(CallFrame frame, int seq, long duration, String errorType) {
    epochMillis = AnchoredClock.SYSTEM.epochMillis(frame.startNanos);
    correlationId = frame.correlationId;
    toolName = frame.toolName;
    durationNanos = duration;
    this.errorType = errorType;
    inputSummary = frame.summary;
    this.seq = seq;
    parentSeq = frame.parentSeq;
    viaMcp = frame.viaMcp;
    sessionId = frame.sessionId;
    jsonRpcId = frame.jsonRpcId;
    traceparent = frame.traceparent;
  }

  /** Describes an asynchronous call whose {@code Mono} ended after {@code duration}. */
  void set(AsyncCall call, long duration, String errorType) {
    epochMillis = AnchoredClock.SYSTEM.epochMillis(call.startNanos);
    correlationId = call.correlationId;
    toolName = call.toolName;
    durationNanos = duration;
    this.errorType = errorType;
    inputSummaryText = call.inputSummary;
    seq = call.seq;
    parentSeq = call.parentSeq;
    viaMcp = true;
    sessionId = call.sessionId;
    jsonRpcId = call.jsonRpcId;
    traceparent = call.traceparent;
  }

  /** Drops the references to the last call's objects. */
  void clear() {
    correlationId = null;
    toolName = null;
    errorType = null;
    inputSummary = null;
    inputSummaryText = null;
    sessionId = null;
    jsonRpcId = null;
    traceparent = null;
  }
}
