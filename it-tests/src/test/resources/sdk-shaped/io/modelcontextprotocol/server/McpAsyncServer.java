package io.modelcontextprotocol.server;

import java.util.Map;
import java.util.function.BiFunction;

/**
 * An MCP server class the agent knows by name whose tools/call handler is not where any release
 * the agent knows keeps it (as in a future SDK release that moved it): compiled and run by
 * ToolCallsNotObservableIT. It "handles" one call, then waits for the agent's self-check.
 */
public final class McpAsyncServer {

  private final BiFunction<Object, Map<String, Object>, String> handler =
      (exchange, params) -> "called " + params.get("name");

  String handleToolCall(Map<String, Object> params) {
    return handler.apply(null, params);
  }

  public static void main(String[] args) throws Exception {
    System.err.println(new McpAsyncServer().handleToolCall(Map.of("name", "echo")));
    Thread.sleep(Long.parseLong(args[0]));
  }
}
