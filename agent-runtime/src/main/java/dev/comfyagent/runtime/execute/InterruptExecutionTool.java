package dev.comfyagent.runtime.execute;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.comfy.ComfyUiClient;
import dev.comfyagent.runtime.comfy.QueueView;
import dev.comfyagent.runtime.tool.InputSchema;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolArguments;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolResult;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code interrupt_execution}: stops a render. A running prompt is interrupted ({@code POST
 * /interrupt} with its id, so another client's render is not hit by mistake); a prompt still
 * waiting in the queue is removed from it ({@code POST /queue} delete), since ComfyUI's interrupt
 * only touches the running one.
 */
final class InterruptExecutionTool implements Tool {

  private final ComfyUiClient client;
  private final ExecutionTracker tracker;
  private final ObjectNode schema =
      InputSchema.object()
          .optionalString(
              "prompt_id",
              "The render to stop; default: this connection's last render, or whatever ComfyUI is"
                  + " running when this connection started none")
          .build();

  InterruptExecutionTool(ComfyUiClient client, ExecutionTracker tracker) {
    this.client = client;
    this.tracker = tracker;
  }

  @Override
  public String name() {
    return "interrupt_execution";
  }

  @Override
  public String description() {
    return "Stop a render: interrupts it if it is running, removes it from ComfyUI's queue if it"
        + " has not started. Without prompt_id, stops this connection's last render (or, if it"
        + " started none, whatever ComfyUI is running).";
  }

  @Override
  public ObjectNode inputSchema() {
    return schema;
  }

  @Override
  public ToolResult call(ObjectNode arguments, ToolContext context) {
    Optional<String> given = ToolArguments.of(arguments).optionalString("prompt_id");
    Optional<Execution> execution =
        given.isPresent() ? tracker.find(given.get()) : tracker.lastOf(context.connectionId());
    ObjectNode structured = JsonNodeFactory.instance.objectNode();
    if (given.isEmpty() && execution.isEmpty()) {
      client.interrupt(null);
      structured.put("action", "interrupted_running");
      return ToolResult.of(
          "Asked ComfyUI at "
              + client.endpoint()
              + " to stop whatever it is running (this connection started no render).",
          structured);
    }
    String promptId = given.orElseGet(() -> execution.get().promptId().orElseThrow());
    structured.put("prompt_id", promptId);
    if (execution.isPresent() && execution.get().state().terminal()) {
      structured.put("action", "none");
      return ToolResult.of(
          "Prompt_id "
              + promptId
              + " already ended ("
              + execution.get().state().name().toLowerCase(Locale.ROOT)
              + "); nothing to stop.",
          structured);
    }
    QueueView queue = new QueueView(client.queue());
    if (queue.placeOf(promptId) == QueueView.Place.PENDING) {
      client.deleteFromQueue(promptId);
      execution.ifPresent(Execution::removedFromQueue);
      structured.put("action", "removed_from_queue");
      return ToolResult.of(
          "Removed prompt_id " + promptId + " from ComfyUI's queue before it started.", structured);
    }
    client.interrupt(promptId);
    structured.put("action", "interrupted_running");
    return ToolResult.of(
        "Asked ComfyUI to stop prompt_id "
            + promptId
            + "; execute_workflow and get_execution_status will report it as interrupted.",
        structured);
  }
}
