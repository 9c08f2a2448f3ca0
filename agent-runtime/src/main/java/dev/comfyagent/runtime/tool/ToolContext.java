package dev.comfyagent.runtime.tool;

/**
 * What a {@link Tool} knows about the call it serves: its correlation id, the MCP connection it
 * came from, and a channel for progress notifications.
 *
 * <p>A context is valid only during the {@link Tool#call} it was passed to. Implementations are
 * thread-safe: a tool may report progress from a thread it started, as long as it does so before
 * {@code call} returns.
 */
public interface ToolContext {

  /**
   * The call's correlation id: taken from the request's {@code _meta} (the trace-id of a W3C {@code
   * traceparent}, or {@code correlation_id}) or generated. It is also in the SLF4J MDC as {@code
   * correlation_id} on the calling thread.
   */
  String correlationId();

  /**
   * Identifies the MCP connection (session) the call came from. Each connection has its own current
   * workflow; tools use this id to find it.
   */
  String connectionId();

  /** Whether the client asked for progress (sent a {@code progressToken}). */
  boolean progressRequested();

  /**
   * Sends an MCP progress notification when the client asked for progress; does nothing otherwise.
   * Never throws: a client that went away does not fail the tool.
   *
   * @param progress the amount done so far, increasing with every call
   * @param total the amount when done, or {@code null} when unknown
   * @param message a short human-readable status, or {@code null}
   */
  void progress(double progress, Double total, String message);

  /** A context for calls made outside MCP (tests, the command line): no progress, fixed ids. */
  static ToolContext detached(String connectionId) {
    return new ToolContext() {
      @Override
      public String correlationId() {
        return "detached";
      }

      @Override
      public String connectionId() {
        return connectionId;
      }

      @Override
      public boolean progressRequested() {
        return false;
      }

      @Override
      public void progress(double progress, Double total, String message) {}
    };
  }
}
