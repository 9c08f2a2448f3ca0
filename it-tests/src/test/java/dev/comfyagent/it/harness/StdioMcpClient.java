package dev.comfyagent.it.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The MCP SDK's synchronous client connected over stdio to a server in a {@link ChildJvm} (any
 * server: the fixture here or the packaged runtime): initialize, call tools, then stop the server
 * the way MCP hosts do (close stdin, then SIGTERM), so that the agent's shutdown hook runs.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * try (StdioMcpClient mcp = StdioMcpClient.connect(jvm)) {
 *   McpSchema.CallToolResult r = mcp.call("echo", Map.of("text", "hi"), Map.of());
 * }
 * assertThat(mcp.unparsableStdout()).isEmpty();
 * }</pre>
 */
public final class StdioMcpClient implements AutoCloseable {

  private final ChildJvm server;
  private final ProcessStdioTransport transport;
  private final McpSyncClient client;
  private boolean closed;

  private StdioMcpClient(ChildJvm server, ProcessStdioTransport transport, McpSyncClient client) {
    this.server = server;
    this.transport = transport;
    this.client = client;
  }

  /** Connects to {@code server} (started with {@code stdoutPipe()}) and initializes. */
  public static StdioMcpClient connect(ChildJvm server) {
    ProcessStdioTransport transport =
        new ProcessStdioTransport(server.process(), new JacksonMcpJsonMapper(new ObjectMapper()));
    McpSyncClient client =
        McpClient.sync(transport)
            .requestTimeout(Duration.ofSeconds(60))
            .initializationTimeout(Duration.ofSeconds(60))
            .build();
    try {
      client.initialize();
    } catch (RuntimeException e) {
      throw new AssertionError("initialize failed; server stderr:\n" + server.stderr(), e);
    }
    return new StdioMcpClient(server, transport, client);
  }

  /** The SDK client. */
  public McpSyncClient client() {
    return client;
  }

  /** Calls a tool with arguments and {@code _meta}. */
  public McpSchema.CallToolResult call(
      String tool, Map<String, Object> arguments, Map<String, Object> meta) {
    McpSchema.CallToolRequest.Builder request =
        McpSchema.CallToolRequest.builder().name(tool).arguments(arguments);
    if (!meta.isEmpty()) {
      request.meta(meta);
    }
    return client.callTool(request.build());
  }

  /** Every line the server wrote to stdout. */
  public List<String> stdoutLines() {
    return transport.stdoutLines();
  }

  /** Stdout lines that were not JSON-RPC messages (must be none). */
  public List<String> unparsableStdout() {
    return transport.unparsableLines();
  }

  /** Stops the server like an MCP host: closes stdin, then SIGTERM; returns its exit code. */
  public int stopServer() {
    if (!closed) {
      closed = true;
      client.closeGracefully();
    }
    return server.terminate(Duration.ofSeconds(60));
  }

  @Override
  public void close() {
    if (!closed) {
      stopServer();
    }
  }
}
