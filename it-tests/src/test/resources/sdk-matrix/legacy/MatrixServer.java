import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The compatibility matrix's server for MCP Java SDK 0.8 to 0.10, written to those releases'
 * documented API (constructors, arguments as a map). Compiled and run by SdkReleaseMatrixIT.
 */
public final class MatrixServer {

  public static void main(String[] args) throws Exception {
    StdioServerTransportProvider transport = new StdioServerTransportProvider(new ObjectMapper());
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
    return new SyncToolSpecification(
        new McpSchema.Tool(name, "matrix tool " + name, "{\"type\":\"object\"}"),
        (exchange, arguments) -> call.apply(arguments));
  }

  static McpSchema.CallToolResult result(String text, boolean error) {
    return new McpSchema.CallToolResult(List.of(new McpSchema.TextContent(text)), error);
  }

  /** Timed with tools=MatrixServer$Renderer#render: a call inside a tool call. */
  public static final class Renderer {
    public static String render(String prompt) {
      return "rendered " + prompt;
    }
  }
}
