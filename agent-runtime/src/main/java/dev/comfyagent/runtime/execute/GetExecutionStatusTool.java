package dev.comfyagent.runtime.execute;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.comfy.ComfyUiClient;
import dev.comfyagent.runtime.comfy.ComfyUiException;
import dev.comfyagent.runtime.comfy.QueueView;
import dev.comfyagent.runtime.tool.InputSchema;
import dev.comfyagent.runtime.tool.InvalidArgumentException;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolArguments;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolException;
import dev.comfyagent.runtime.tool.ToolResult;
import java.util.Optional;

/**
 * {@code get_execution_status}: where a render stands now, without waiting: queue position, current
 * node and sampler step, nodes done, outputs when finished, the error when it failed. For prompts
 * this runtime did not follow (another client, or before a restart) ComfyUI's history and queue are
 * asked.
 */
final class GetExecutionStatusTool implements Tool {

  private final ComfyUiClient client;
  private final ExecutionTracker tracker;
  private final ObjectNode schema =
      InputSchema.object()
          .optionalString(
              "prompt_id",
              "The prompt_id execute_workflow gave; default: the last render of this connection")
          .build();

  GetExecutionStatusTool(ComfyUiClient client, ExecutionTracker tracker) {
    this.client = client;
    this.tracker = tracker;
  }

  @Override
  public String name() {
    return "get_execution_status";
  }

  @Override
  public String description() {
    return "Check a render without waiting: queued (with its position), running (current node,"
        + " sampler step like 'KSampler 12/30', nodes done), finished ('Rendered in <seconds>s'"
        + " and the output files), failed (node and exception) or interrupted. Use it after"
        + " execute_workflow answered 'still rendering'.";
  }

  @Override
  public ObjectNode inputSchema() {
    return schema;
  }

  @Override
  public boolean readOnly() {
    return true;
  }

  @Override
  public ToolResult call(ObjectNode arguments, ToolContext context) {
    Optional<String> given = ToolArguments.of(arguments).optionalString("prompt_id");
    Optional<Execution> execution =
        given.isPresent() ? tracker.find(given.get()) : tracker.lastOf(context.connectionId());
    if (execution.isEmpty() && given.isEmpty()) {
      throw new InvalidArgumentException(
          "no render was started from this connection; pass the prompt_id of the render to check");
    }
    if (execution.isPresent()) {
      Execution.Snapshot snapshot = execution.get().snapshot();
      if (snapshot.silence() != null) {
        return ExecutionReport.notAnswering(snapshot, client.endpoint(), client.breakerState());
      }
      if (snapshot.state() == Execution.State.TIMED_OUT) {
        // No longer followed: ComfyUI's own history and queue know what became of it.
        return askComfyUiAfterTimeout(snapshot);
      }
      if (snapshot.state() != Execution.State.SUBMITTED) {
        return ExecutionReport.of(snapshot);
      }
      String wait = queueWait(snapshot.promptId()).orElse(null);
      return ToolResult.of(
          ExecutionReport.inProgress(snapshot, wait), ExecutionReport.structured(snapshot));
    }
    return askComfyUi(given.get());
  }

  private Optional<String> queueWait(String promptId) {
    try {
      return new QueueView(client.queue()).describeWait(promptId);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private ToolResult askComfyUiAfterTimeout(Execution.Snapshot timedOut) {
    try {
      return askComfyUi(timedOut.promptId());
    } catch (ComfyUiException e) {
      ObjectNode structured = ExecutionReport.structured(timedOut);
      structured.put("comfyui_problem", e.getMessage());
      return ToolResult.error(
          "Stopped following prompt_id "
              + timedOut.promptId()
              + " ("
              + timedOut.note()
              + "), and ComfyUI cannot tell what became of it now: "
              + e.getMessage(),
          structured);
    }
  }

  /** A prompt this runtime does not follow: ComfyUI's history, else its queue. */
  private ToolResult askComfyUi(String promptId) {
    Optional<ToolResult> finished = fromHistory(promptId);
    if (finished.isPresent()) {
      return finished.get();
    }
    QueueView queue = new QueueView(client.queue());
    ObjectNode structured = JsonNodeFactory.instance.objectNode();
    structured.put("prompt_id", promptId);
    switch (queue.placeOf(promptId)) {
      case RUNNING -> {
        structured.put("status", "running");
        return ToolResult.of(
            "Prompt_id "
                + promptId
                + " is running in ComfyUI (started outside this connection, so no step progress"
                + " is known here).",
            structured);
      }
      case PENDING -> {
        structured.put("status", "submitted");
        return ToolResult.of(
            "Prompt_id " + promptId + " is " + queue.describeWait(promptId).orElse("queued") + ".",
            structured);
      }
      default -> {
        // It may have finished between the two questions: ComfyUI moves a prompt from the queue
        // to the history in one step, so a second look at the history settles it.
        return fromHistory(promptId)
            .orElseThrow(
                () ->
                    new ToolException(
                        "ComfyUI at "
                            + client.endpoint()
                            + " knows no prompt "
                            + promptId
                            + " (not queued, not running, not in its history); check the"
                            + " prompt_id"));
      }
    }
  }

  private Optional<ToolResult> fromHistory(String promptId) {
    return client
        .history(promptId)
        .map(
            entry -> {
              JsonNode prompt = entry.path("prompt").path(2);
              Execution view =
                  tracker.fromHistory(
                      promptId,
                      entry,
                      prompt.isObject()
                          ? (ObjectNode) prompt
                          : JsonNodeFactory.instance.objectNode());
              return ExecutionReport.of(view.snapshot());
            });
  }
}
