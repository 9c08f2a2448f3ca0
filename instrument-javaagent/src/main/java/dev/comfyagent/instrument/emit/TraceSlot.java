package dev.comfyagent.instrument.emit;

import dev.comfyagent.instrument.record.CallRecord;
import dev.comfyagent.instrument.record.SummaryText;
import dev.comfyagent.instrument.record.TraceEvent;

/**
 * One place of the {@link TraceQueue}'s ring: a finished call's fields, primitives and references
 * to strings the call already had, and its input summary copied into a character array the slot
 * keeps (grown once to the longest summary it has held). A producer fills it after claiming it, the
 * writer reads it after it is published; neither makes an object.
 *
 * <p>Not thread-safe by itself: the queue hands it from one thread to the other, publishing each
 * filled slot with a volatile write of its sequence number that the writer reads before the slot.
 */
final class TraceSlot {

  private static final char[] NO_CHARS = new char[0];

  long epochMillis;
  String correlationId;
  String toolName;
  long durationNanos;
  boolean success;
  String errorType;
  int seq;
  int parentSeq;
  boolean viaMcp;
  String sessionId;
  Object jsonRpcId;
  String traceparent;
  boolean hasSummary;
  char[] summary = NO_CHARS;
  int summaryLength;

  void copy(CallRecord call) {
    epochMillis = call.epochMillis();
    correlationId = call.correlationId();
    toolName = call.toolName();
    durationNanos = call.durationNanos();
    errorType = call.errorType();
    success = errorType == null;
    seq = call.seq();
    parentSeq = call.parentSeq();
    viaMcp = call.viaMcp();
    sessionId = call.sessionId();
    jsonRpcId = call.jsonRpcId();
    traceparent = call.traceparent();
    copySummary(call.inputSummary());
  }

  void copy(TraceEvent event) {
    epochMillis = event.epochMillis();
    correlationId = event.correlationId();
    toolName = event.toolName();
    durationNanos = event.durationNanos();
    errorType = event.errorType();
    success = event.success();
    seq = event.seq();
    parentSeq = event.parentSeq();
    viaMcp = event.viaMcp();
    sessionId = event.sessionId();
    jsonRpcId = event.jsonRpcId();
    traceparent = event.traceparent();
    copySummary(event.inputSummary());
  }

  private void copySummary(CharSequence text) {
    hasSummary = text != null;
    summaryLength = text == null ? 0 : text.length();
    if (text == null) {
      return;
    }
    if (summary.length < summaryLength) {
      summary = new char[summaryLength];
    }
    if (text instanceof String string) {
      string.getChars(0, summaryLength, summary, 0);
    } else if (text instanceof SummaryText buffer) {
      buffer.copyTo(summary);
    } else {
      for (int i = 0; i < summaryLength; i++) {
        summary[i] = text.charAt(i);
      }
    }
  }

  /** The held call as an event (a new object: for the writer's forwarding and for tests). */
  TraceEvent toEvent() {
    return new TraceEvent(
        epochMillis,
        correlationId,
        toolName,
        durationNanos,
        success,
        hasSummary ? new String(summary, 0, summaryLength) : null,
        seq,
        parentSeq,
        errorType,
        viaMcp,
        sessionId,
        jsonRpcId,
        traceparent);
  }

  /** Drops the references to the call's objects once it is written. */
  void release() {
    correlationId = null;
    toolName = null;
    errorType = null;
    sessionId = null;
    jsonRpcId = null;
    traceparent = null;
  }
}
