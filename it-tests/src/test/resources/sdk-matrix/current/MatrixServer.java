import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncToolSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The compatibility matrix's server for MCP Java SDK 1.0 on, written to those releases' documented
 * API (builders, McpJsonMapper, the request passed to the handler). {@code sync} (the default)
 * builds a synchronous server, {@code async} an asynchronous one whose tools run on a Reactor
 * worker. Compiled and run by SdkReleaseMatrixIT.
 */
public final class MatrixServer {

  static final McpJsonMapper JSON = new JacksonMcpJsonMapper(new ObjectMapper());

  public static void main(String[] args) throws Exception {
    StdioServerTransportProvider transport = new StdioServerTransportProvider(JSON);
    McpSchema.ServerCapabilities capabilities =
        McpSchema.ServerCapabilities.builder().tools(true).build();
    if (args.length > 0 && args[0].equals("async")) {
      McpServer.async(transport)
          .serverInfo("matrix", "1.0")
          .capabilities(capabilities)
          .tools(mix().entrySet().stream().map(e -> asyncTool(e.getKey(), e.getValue())).toList())
          .build();
    } else {
      McpServer.sync(transport)
          .serverInfo("matrix", "1.0")
          .capabilities(capabilities)
          .tools(mix().entrySet().stream().map(e -> syncTool(e.getKey(), e.getValue())).toList())
          .build();
    }
    Thread.sleep(Long.MAX_VALUE);
  }

  /** The known mix: an answer, an isError result, a thrown exception, a timed call inside. */
  static Map<String, Function<Map<String, Object>, McpSchema.CallToolResult>> mix() {
    Map<String, Function<Map<String, Object>, McpSchema.CallToolResult>> tools =
        new java.util.LinkedHashMap<>();
    tools.put("echo", a -> result("echo: " + a.get("text"), false));
    tools.put("refuse", a -> result("refused", true));
    tools.put(
        "explode",
        a -> {
          throw new IllegalStateException("kaboom");
        });
    tools.put("render", a -> result(Renderer.render(String.valueOf(a.get("prompt"))), false));
    return tools;
  }

  static McpSchema.Tool tool(String name) {
    return McpSchema.Tool.builder()
        .name(name)
        .description("matrix tool " + name)
        .inputSchema(JSON, "{\"type\":\"object\"}")
        .build();
  }

  static SyncToolSpecification syncTool(
      String name, Function<Map<String, Object>, McpSchema.CallToolResult> call) {
    return SyncToolSpecification.builder()
        .tool(tool(name))
        .callHandler((exchange, request) -> call.apply(request.arguments()))
        .build();
  }

  static AsyncToolSpecification asyncTool(
      String name, Function<Map<String, Object>, McpSchema.CallToolResult> call) {
    return AsyncToolSpecification.builder()
        .tool(tool(name))
        .callHandler(
            (exchange, request) ->
                Mono.fromCallable(() -> call.apply(request.arguments()))
                    .subscribeOn(Schedulers.boundedElastic()))
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
