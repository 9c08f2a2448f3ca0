package dev.comfyagent.runtime.mcp;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares, on a daemon thread while the client is still initializing, what the first {@code
 * tools/call} of a fresh JVM would otherwise pay for on the client's clock: Jackson building its
 * (de)serializers for the SDK's request and result types, and the first run of each tool's argument
 * check. On a busy 2-core machine the first call of a trivial tool ({@code list_sessions}) took 80
 * to 200 ms for that alone, and 20 to 70 ms once prepared.
 *
 * <p>It reads and writes a request and a response the way the transport and the SDK do (a JSON-RPC
 * line parsed with the server's mapper, its params converted to a {@link CallToolRequest}, a {@link
 * CallToolResult} serialized to a string that is dropped) and calls no tool; nothing reaches
 * stdout. A failure is logged and changes nothing: the first call then pays as before.
 */
final class FirstCallPreparation {

  private static final Logger log = LoggerFactory.getLogger(FirstCallPreparation.class);

  /** Name of the thread. */
  static final String THREAD = "comfy-agent-mcp-prepare";

  private FirstCallPreparation() {}

  /** Starts the preparation on its daemon thread and returns at once. */
  static Thread start(
      McpJsonMapper mcpJson, McpToolAdapter adapter, List<SyncToolSpecification> specifications) {
    Thread thread = new Thread(() -> run(mcpJson, adapter, specifications), THREAD);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  static void run(
      McpJsonMapper mcpJson, McpToolAdapter adapter, List<SyncToolSpecification> specifications) {
    if (specifications.isEmpty()) {
      return;
    }
    long started = System.nanoTime();
    try {
      String name = specifications.get(0).tool().name();
      String line =
          "{\"jsonrpc\":\"2.0\",\"id\":\"prepare\",\"method\":\"tools/call\",\"params\":{"
              + "\"name\":"
              + mcpJson.writeValueAsString(name)
              + ",\"arguments\":{\"text\":\"x\",\"number\":1,\"flag\":true},"
              + "\"_meta\":{\"progressToken\":\"prepare\"}}}";
      McpSchema.JSONRPCRequest request =
          (McpSchema.JSONRPCRequest) McpSchema.deserializeJsonRpcMessage(mcpJson, line);
      CallToolRequest call = mcpJson.convertValue(request.params(), new TypeRef<>() {});
      CallToolResult result = adapter.prepareFirstCall(specifications, call);
      mcpJson.writeValueAsString(
          new McpSchema.JSONRPCResponse(McpSchema.JSONRPC_VERSION, request.id(), result, null));
      log.debug(
          "prepared the first tools/call in {} ms", (System.nanoTime() - started) / 1_000_000);
    } catch (IOException | RuntimeException | LinkageError e) {
      log.debug("preparing the first tools/call failed, it will pay for it: {}", e.toString());
    }
  }
}
