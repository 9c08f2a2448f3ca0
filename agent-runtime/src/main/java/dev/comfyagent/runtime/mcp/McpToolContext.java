package dev.comfyagent.runtime.mcp;

import dev.comfyagent.runtime.tool.ToolContext;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ToolContext} of a {@code tools/call} that arrived over MCP: progress goes back to the
 * client as {@code notifications/progress} when the request carried a {@code progressToken}.
 *
 * <p>Thread-safe: progress may be reported from any thread while the call is running.
 */
final class McpToolContext implements ToolContext {

  private static final Logger log = LoggerFactory.getLogger(McpToolContext.class);

  private final String correlationId;
  private final McpSyncServerExchange exchange;
  private final Object progressToken;

  McpToolContext(String correlationId, McpSyncServerExchange exchange, Map<String, Object> meta) {
    this.correlationId = correlationId;
    this.exchange = exchange;
    this.progressToken = meta == null ? null : meta.get("progressToken");
  }

  @Override
  public String correlationId() {
    return correlationId;
  }

  @Override
  public String connectionId() {
    String id = exchange == null ? null : exchange.sessionId();
    return id == null ? "stdio" : id;
  }

  @Override
  public boolean progressRequested() {
    return progressToken != null && exchange != null;
  }

  @Override
  public void progress(double progress, Double total, String message) {
    if (!progressRequested()) {
      return;
    }
    try {
      exchange.progressNotification(
          ProgressNotification.builder(progressToken, progress)
              .total(total)
              .message(message)
              .build());
    } catch (RuntimeException e) {
      // A client that went away must not fail the render it asked for.
      log.debug("progress notification not delivered: {}", e.toString());
    }
  }
}
