package dev.comfyagent.runtime.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.comfy.ComfyUiClient;
import dev.comfyagent.runtime.comfy.QueueView;
import dev.comfyagent.runtime.tool.InputSchema;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolResult;

/**
 * {@code get_queue_status}: ComfyUI's queue ({@code GET /queue}) — the running prompt and the
 * waiting ones in order, each with its node count, marked when it came from this connection.
 */
final class GetQueueStatusTool implements Tool {

  private final ComfyUiClient client;
  private final PromptOrigins origins;

  GetQueueStatusTool(ComfyUiClient client, PromptOrigins origins) {
    this.client = client;
    this.origins = origins;
  }

  @Override
  public String name() {
    return "get_queue_status";
  }

  @Override
  public String description() {
    return "Show ComfyUI's queue: the render running now and the ones waiting, in order, with"
        + " their prompt_ids and which of them this connection started.";
  }

  @Override
  public ObjectNode inputSchema() {
    return InputSchema.object().build();
  }

  @Override
  public boolean readOnly() {
    return true;
  }

  @Override
  public ToolResult call(ObjectNode arguments, ToolContext context) {
    QueueView queue = new QueueView(client.queue());
    ObjectNode structured = JsonNodeFactory.instance.objectNode();
    StringBuilder text =
        new StringBuilder("ComfyUI queue at ").append(client.endpoint()).append(": ");
    text.append(queue.running().size())
        .append(" running, ")
        .append(queue.pending().size())
        .append(" waiting");
    ArrayNode running = structured.putArray("running");
    for (JsonNode item : queue.running()) {
      text.append("\n- running: ").append(describe(item, context, running.addObject()));
    }
    ArrayNode pending = structured.putArray("pending");
    int position = 0;
    for (JsonNode item : queue.pending()) {
      position++;
      text.append("\n- ")
          .append(position)
          .append(". ")
          .append(describe(item, context, pending.addObject()));
    }
    return ToolResult.of(text.toString(), structured);
  }

  private String describe(JsonNode item, ToolContext context, ObjectNode out) {
    String promptId = item.path(1).asText();
    int nodes = item.path(2).size();
    String clientId = item.path(3).path("client_id").asText("");
    boolean ours = origins.connectionOf(clientId).map(context.connectionId()::equals).orElse(false);
    out.put("prompt_id", promptId);
    out.put("number", item.path(0).asLong());
    out.put("nodes", nodes);
    out.put("from_this_connection", ours);
    return "prompt_id " + promptId + " (" + nodes + " nodes" + (ours ? ", started here" : "") + ")";
  }
}
