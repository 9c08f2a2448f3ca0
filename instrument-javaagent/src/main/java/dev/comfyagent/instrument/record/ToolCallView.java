package dev.comfyagent.instrument.record;

/**
 * A read-only view of a tool call in progress, handed to {@link ToolCallHook}s. Valid only during
 * the hook call it was passed to (the object behind it is reused for later calls).
 */
public interface ToolCallView {

  /** Where the call was observed. */
  enum Layer {
    /** An implementation of the runtime's {@code Tool#call}. */
    TOOL,
    /** A method matched by the {@code tools} option. */
    PATTERN,
    /** The MCP SDK's synchronous tool adapter. */
    SDK,
    /** The MCP SDK's asynchronous {@code tools/call} handler. */
    SDK_ASYNC
  }

  /** The tool's name (for a joined frame, the name of the call it joined). */
  String toolName();

  /** Where this frame was observed. */
  Layer layer();

  /**
   * Whether this frame is the same logical call as the frame it runs inside (the runtime's {@code
   * Tool#call} inside the SDK's adapter), so that it is not counted again.
   */
  boolean joined();

  /** {@link System#nanoTime()} when the frame started. */
  long startNanos();

  /** The call's correlation id, or {@code null} when tracing is off. */
  String correlationId();
}
