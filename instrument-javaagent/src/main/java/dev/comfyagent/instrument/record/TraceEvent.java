package dev.comfyagent.instrument.record;

/**
 * One finished tool call as written to traces.jsonl, handed from the tool's thread to the trace
 * writer. Immutable.
 *
 * @param epochMillis when the call started (wall clock)
 * @param correlationId the call chain's correlation id
 * @param toolName the tool's name
 * @param durationNanos how long the call took
 * @param success whether it returned normally without {@code isError}
 * @param inputSummary bounded, redacted arguments, or {@code null}
 * @param seq the call's number within its correlation id, from 1
 * @param parentSeq the {@code seq} of the tool call this one ran inside, or 0 for none
 * @param errorType the exception class, {@code tool_error}, or {@code null} on success
 * @param viaMcp whether the call arrived as an MCP {@code tools/call}
 * @param sessionId the MCP session id, or {@code null}
 * @param jsonRpcId the JSON-RPC request id (a number or string), or {@code null}
 * @param traceparent the valid W3C {@code traceparent} the request carried in {@code _meta} when
 *     this call is the first of its chain, else {@code null} (the OTLP span's remote parent)
 */
public record TraceEvent(
    long epochMillis,
    String correlationId,
    String toolName,
    long durationNanos,
    boolean success,
    String inputSummary,
    int seq,
    int parentSeq,
    String errorType,
    boolean viaMcp,
    String sessionId,
    Object jsonRpcId,
    String traceparent) {

  /** An event without a {@code traceparent}. */
  public TraceEvent(
      long epochMillis,
      String correlationId,
      String toolName,
      long durationNanos,
      boolean success,
      String inputSummary,
      int seq,
      int parentSeq,
      String errorType,
      boolean viaMcp,
      String sessionId,
      Object jsonRpcId) {
    this(
        epochMillis,
        correlationId,
        toolName,
        durationNanos,
        success,
        inputSummary,
        seq,
        parentSeq,
        errorType,
        viaMcp,
        sessionId,
        jsonRpcId,
        null);
  }
}
