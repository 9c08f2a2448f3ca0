package dev.comfyagent.runtime.tool;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One MCP tool of the runtime: a name, a description for the assistant, a JSON Schema for its
 * arguments, and the call itself.
 *
 * <p>This interface is a published contract. The instrument-javaagent finds the runtime's tools by
 * it (every implementation's {@link #call} is woven for timing and tracing), so its package, name
 * and the signature of {@code call} must not change without a major version.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * final class PingTool implements Tool {
 *   public String name() { return "ping"; }
 *   public String description() { return "Answers pong."; }
 *   public ObjectNode inputSchema() { return InputSchema.object().build(); }
 *   public ToolResult call(ObjectNode arguments, ToolContext context) { return ToolResult.text("pong"); }
 * }
 * registry.register(new PingTool());
 * }</pre>
 *
 * <p>Contract: {@link #name()}, {@link #description()} and {@link #inputSchema()} return the same
 * value on every call. {@link #call} may be invoked concurrently from several threads (one per
 * in-flight request); implementations keep per-connection state in the services they are given,
 * never in fields keyed by thread. A user mistake is reported by throwing {@link ToolException}:
 * the MCP layer that calls the tool ({@code mcp.McpToolAdapter}) turns it into an {@code isError}
 * result with the exception's message; it turns any other exception or error into an {@code
 * isError} result that names the defect and the call's correlation id, and logs the stack trace.
 * The {@link ToolRegistry} only holds the tools; it catches nothing.
 */
public interface Tool {

  /** The tool's name as listed by {@code tools/list}: lower snake case, unique in a registry. */
  String name();

  /** What the tool does, written for the assistant that decides whether to call it. */
  String description();

  /** A JSON Schema ({@code type: object}) describing the arguments {@link #call} accepts. */
  ObjectNode inputSchema();

  /**
   * Whether the tool only reads state. Read-only tools are announced to clients with the MCP {@code
   * readOnlyHint}, which lets them call the tool without asking the user.
   */
  default boolean readOnly() {
    return false;
  }

  /**
   * Runs the tool.
   *
   * @param arguments the call's arguments, never {@code null} (an empty object when none were sent)
   * @param context the call's correlation id, connection and progress channel
   * @return the result shown to the assistant
   * @throws ToolException when the input or the state of ComfyUI does not allow the call; the
   *     message is shown to the assistant and must say what to change
   */
  ToolResult call(ObjectNode arguments, ToolContext context);
}
