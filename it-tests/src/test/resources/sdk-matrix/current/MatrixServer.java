import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;
import java.util.function.Function;

/**
 * The compatibility matrix's server for MCP Java SDK 1.0 on, written to those releases' documented
 * API (builders, McpJsonMapper, the request passed to the handler). Compiled and run by
 * SdkReleaseMatrixIT.
 */
public final class MatrixServer {

  static final McpJsonMapper JSON = new JacksonMcpJsonMapper(new ObjectMapper());

  public static void main(String[] args) throws Exception {
    StdioServerTransportProvider transport = new StdioServerTransportProvider(JSON);
    McpServer.sync(transport)
        .serverInfo("matrix", "1.0")
        .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
        .tools(
            tool("echo", a -> result("echo: " + a.get("text"), false)),
            tool("refuse", a -> result("refused", true)),
            tool(
                "explode",
                a -> {
                  throw new IllegalStateException("kaboom");
                }),
            tool("render", a -> result(Renderer.render(String.valueOf(a.get("prompt"))), false)))
        .build();
    Thread.sleep(Long.MAX_VALUE);
  }

  static SyncToolSpecification tool(
      String name, Function<Map<String, Object>, McpSchema.CallToolResult> call) {
    return SyncToolSpecification.builder()
        .tool(
            McpSchema.Tool.builder()
                .name(name)
                .description("matrix tool " + name)
                .inputSchema(JSON, "{\"type\":\"object\"}")
                .build())
        .callHandler((exchange, request) -> call.apply(request.arguments()))
        .build();
  }

  static McpSchema.CallToolResult result(String text, boolean error) {
    return McpSchema.CallToolResult.builder().addTextContent(text).isError(error).build();
  }

  /** Timed with tools=MatrixServer$Renderer#render: a call inside a tool call. */
  public static final class Renderer {
    public static String render(String prompt) {
      return "rendered " + prompt;
    }
  }
}
