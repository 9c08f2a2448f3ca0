package dev.comfyagent.runtime.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolException;
import dev.comfyagent.runtime.tool.ToolRegistry;
import dev.comfyagent.runtime.tool.ToolResult;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Adapts the runtime's {@link Tool}s to MCP SDK tool specifications: sets up the call's correlation
 * id (in the MDC of the Reactor worker thread that runs the call, and in the result's {@code
 * _meta}), turns arguments into JSON, and turns {@link ToolException}s and defects into {@code
 * isError} results so that no tool call can take the server down.
 */
public final class McpToolAdapter {

  private static final Logger log = LoggerFactory.getLogger(McpToolAdapter.class);

  private final ObjectMapper json;

  public McpToolAdapter(ObjectMapper json) {
    this.json = json;
  }

  /** One SDK specification per registered tool, in registration order. */
  public List<SyncToolSpecification> specifications(ToolRegistry registry) {
    return registry.all().stream().map(this::specification).toList();
  }

  SyncToolSpecification specification(Tool tool) {
    McpSchema.Tool described =
        McpSchema.Tool.builder()
            .name(tool.name())
            .description(tool.description())
            .inputSchema(asMap(tool.inputSchema()))
            .annotations(
                McpSchema.ToolAnnotations.builder()
                    .readOnlyHint(tool.readOnly())
                    .destructiveHint(false)
                    .build())
            .build();
    return SyncToolSpecification.builder()
        .tool(described)
        .callHandler((exchange, request) -> call(tool, exchange, request))
        .build();
  }

  CallToolResult call(Tool tool, McpSyncServerExchange exchange, CallToolRequest request) {
    String correlationId = CorrelationIds.choose(request.meta());
    // SDK handlers run on Reactor's boundedElastic threads: the MDC is set here, on the thread
    // that runs the tool, and cleared before the thread goes back to the pool.
    MDC.put(CorrelationIds.KEY, correlationId);
    MDC.put("tool", tool.name());
    try {
      ToolContext context = new McpToolContext(correlationId, exchange, request.meta());
      ObjectNode arguments = argumentsOf(request);
      log.debug("tools/call {} started", tool.name());
      ToolResult result = tool.call(arguments, context);
      log.debug("tools/call {} finished (error={})", tool.name(), result.isError());
      return toSdk(result, correlationId);
    } catch (ToolException e) {
      log.info("tools/call {} refused: {}", tool.name(), e.getMessage());
      return toSdk(ToolResult.error(e.getMessage()), correlationId);
    } catch (RuntimeException e) {
      log.error("tools/call {} failed with a defect", tool.name(), e);
      return toSdk(
          ToolResult.error(
              "internal error in "
                  + tool.name()
                  + " ("
                  + e.getClass().getSimpleName()
                  + (e.getMessage() == null ? "" : ": " + e.getMessage())
                  + "); the server is still running, see logs/runtime.log for correlation id "
                  + correlationId),
          correlationId);
    } finally {
      MDC.remove("tool");
      MDC.remove(CorrelationIds.KEY);
    }
  }

  private ObjectNode argumentsOf(CallToolRequest request) {
    Map<String, Object> arguments = request.arguments();
    if (arguments == null) {
      return json.createObjectNode();
    }
    return json.valueToTree(arguments);
  }

  private CallToolResult toSdk(ToolResult result, String correlationId) {
    CallToolResult.Builder builder =
        CallToolResult.builder()
            .addTextContent(result.text())
            .isError(result.isError())
            .meta(Map.of(CorrelationIds.KEY, correlationId));
    JsonNode structured = result.structuredContent();
    if (structured != null && structured.isObject()) {
      builder.structuredContent(json.convertValue(structured, Map.class));
    }
    return builder.build();
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> asMap(ObjectNode schema) {
    return json.convertValue(schema, Map.class);
  }
}
