package dev.comfyagent.runtime.mcp;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.comfyagent.runtime.tool.ToolRegistry;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime's MCP server over stdio: the SDK's {@code McpServer.sync} on a {@code
 * StdioServerTransportProvider}, announcing itself as {@code comfy-agent} with the tools capability
 * (list changes announced), instructions for the assistant, and every tool of the registry adapted
 * by {@link McpToolAdapter}.
 *
 * <p>stdin passes through a {@link JsonRpcLineGuard} (CRLF, blank and malformed lines must not end
 * the session) and stdout through a {@link ProtocolOutput} (whole lines only). Nothing else may
 * write to stdout while the server runs. While the server is built, the first {@code tools/call} is
 * prepared in the background ({@link FirstCallPreparation}).
 *
 * <p>Usage:
 *
 * <pre>{@code
 * new StdioMcpServer(registry, "0.1.0", sessions::closeAll).serve(System.in, stdout);  // blocks
 * }</pre>
 */
public final class StdioMcpServer {

  private static final Logger log = LoggerFactory.getLogger(StdioMcpServer.class);

  /** The name announced in {@code initialize}. */
  public static final String SERVER_NAME = "comfy-agent";

  /** What the assistant is told about this server in {@code initialize}. */
  public static final String INSTRUCTIONS =
      """
      comfy-agent works with a ComfyUI installation: it reads, changes and runs ComfyUI \
      workflows. Each connection has its own current workflow.
      Typical flow: load_workflow (a file path or inline JSON; API or UI format) -> \
      get_workflow_summary -> validate_workflow -> change inputs with set_input or \
      apply_workflow_patch (RFC 6902; undo_workflow_patch reverts, get_workflow_diff shows \
      the changes) -> execute_workflow (long renders: get_execution_status) -> save_workflow.
      Discovery: search_nodes finds node types (installed or from ComfyUI-Manager packs), \
      get_node_info shows a node's inputs with their types, bounds and choices, list_models \
      lists checkpoints, LoRAs and other model files (use the exact file names), and \
      find_missing_nodes says which packs a workflow needs.
      Sessions: save_session / load_session keep a workflow with its undo history and notes \
      across restarts; add_note records decisions.
      Tool errors come back as results with isError and say what to change; correlation ids \
      in a result's _meta identify the call in the server's log.""";

  private final ToolRegistry registry;
  private final String version;
  private final Runnable onDisconnect;
  private final ObjectMapper json = protocolMapper();

  /**
   * A server.
   *
   * @param registry the tools to serve
   * @param version the runtime's version, announced in {@code initialize}
   * @param onDisconnect runs once the client has gone (stdin ended), before {@link #serve} returns
   */
  public StdioMcpServer(ToolRegistry registry, String version, Runnable onDisconnect) {
    this.registry = registry;
    this.version = version;
    this.onDisconnect = onDisconnect;
  }

  /**
   * The mapper of the protocol: compact output (one message per line), and decimals read exactly as
   * {@link java.math.BigDecimal}, trailing zeros kept. Why: with Jackson's default a literal such
   * as {@code 1e400} in a tool's arguments becomes the {@code double} Infinity before any tool sees
   * it, and {@code 1.00000000000000001} is rounded to 1.0; read exactly, a number reaches the
   * workflow as written, and one ComfyUI cannot read is refused by the tool with the node and input
   * named.
   */
  static ObjectMapper protocolMapper() {
    return JsonMapper.builder()
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
        .build();
  }

  /**
   * Serves MCP on these streams until the input ends.
   *
   * @throws InterruptedException when the calling thread is interrupted while serving
   */
  public void serve(InputStream stdin, OutputStream stdout) throws InterruptedException {
    serve(stdin, stdout, () -> {});
  }

  /**
   * Serves MCP on these streams until the input ends, running {@code onServing} once, on the
   * calling thread, as soon as the server reads requests: work that should not compete for the CPU
   * with the server's own start. A failure of it is logged and the server keeps serving.
   *
   * @throws InterruptedException when the calling thread is interrupted while serving
   */
  public void serve(InputStream stdin, OutputStream stdout, Runnable onServing)
      throws InterruptedException {
    McpJsonMapper mcpJson = new JacksonMcpJsonMapper(json);
    McpToolAdapter adapter = new McpToolAdapter(json, true);
    List<SyncToolSpecification> tools = adapter.specifications(registry);
    // Beside the server's construction rather than the client's first requests: preparing takes
    // Jackson's cache locks, which initialize and tools/list would otherwise wait on.
    FirstCallPreparation.start(mcpJson, adapter, tools);
    ProtocolOutput out = new ProtocolOutput(stdout);
    CountDownLatch ended = new CountDownLatch(1);
    InputStream guarded = new JsonRpcLineGuard(stdin, out, json, mcpJson, ended::countDown);
    StdioServerTransportProvider transport =
        new StdioServerTransportProvider(mcpJson, guarded, out.forSdk());
    McpSyncServer server =
        McpServer.sync(transport)
            .serverInfo(
                McpSchema.Implementation.builder(SERVER_NAME, version)
                    .title("comfy-agent")
                    .description("Understand, discover, patch and run ComfyUI workflows")
                    .build())
            .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
            .instructions(INSTRUCTIONS)
            .jsonMapper(mcpJson)
            // The adapter checks arguments itself, so that refusals carry the correlation id.
            .validateToolInputs(false)
            .tools(tools)
            .build();
    log.info("comfy-agent {} serving {} tools over stdio", version, registry.size());
    try {
      onServing.run();
    } catch (RuntimeException e) {
      log.warn("the work to start once serving failed; serving anyway", e);
    }
    try {
      ended.await();
    } finally {
      try {
        server.closeGracefully();
      } catch (RuntimeException e) {
        log.debug("closing the MCP server: {}", e.toString());
      }
      onDisconnect.run();
      log.info("comfy-agent stopped serving");
    }
  }
}
