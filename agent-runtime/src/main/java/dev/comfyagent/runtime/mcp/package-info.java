/**
 * The MCP server over stdio, built on the official MCP Java SDK: {@link
 * dev.comfyagent.runtime.mcp.StdioMcpServer} serves a {@code ToolRegistry}; {@link
 * dev.comfyagent.runtime.mcp.McpToolAdapter} turns each tool into an SDK tool specification (schema
 * check of the arguments, correlation id in the SLF4J MDC, {@code ToolException} and defects
 * answered as {@code isError} results); {@link dev.comfyagent.runtime.mcp.JsonRpcLineGuard} and
 * {@link dev.comfyagent.runtime.mcp.ProtocolOutput} keep stdin and stdout to whole JSON-RPC lines.
 *
 * <p>May import: {@code tool} only: the server knows tools, not what they do.
 *
 * <p>Entry point:
 *
 * <pre>{@code
 * new StdioMcpServer(registry, "0.1.0", sessions::closeAll).serve(System.in, stdout);  // blocks
 * }</pre>
 */
package dev.comfyagent.runtime.mcp;
