/**
 * The contract every tool of the runtime builds on: {@link dev.comfyagent.runtime.tool.Tool} (name,
 * description, input schema, {@code call}), its answer {@link
 * dev.comfyagent.runtime.tool.ToolResult}, its user-facing failure {@link
 * dev.comfyagent.runtime.tool.ToolException}, and the helpers that describe and read arguments
 * ({@link dev.comfyagent.runtime.tool.InputSchema}, {@link
 * dev.comfyagent.runtime.tool.ToolArguments}); {@link dev.comfyagent.runtime.tool.ToolRegistry}
 * holds the tools of one server.
 *
 * <p>May import: no other package of the runtime (it is the ground floor; checked by {@code
 * PackageDirectionTest}). The {@code Tool} interface is also a published contract of the
 * instrument-javaagent, which weaves every {@code Tool#call}.
 *
 * <p>Entry point, a tool in five lines:
 *
 * <pre>{@code
 * final class PingTool implements Tool {
 *   public String name() { return "ping"; }
 *   public String description() { return "Answers pong."; }
 *   public ObjectNode inputSchema() { return InputSchema.object().optionalString("to", "Who").build(); }
 *   public ToolResult call(ObjectNode args, ToolContext context) {
 *     return ToolResult.text("pong " + ToolArguments.of(args).optionalString("to").orElse("you"));
 *   }
 * }
 * }</pre>
 */
package dev.comfyagent.runtime.tool;
