package dev.comfyagent.runtime.execute;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.comfy.ComfyUiClient;
import dev.comfyagent.runtime.comfy.PromptErrors;
import dev.comfyagent.runtime.comfy.PromptRejectedException;
import dev.comfyagent.runtime.comfy.QueueView;
import dev.comfyagent.runtime.tool.InputSchema;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolArguments;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolResult;
import dev.comfyagent.runtime.workflow.CurrentWorkflows;
import dev.comfyagent.runtime.workflow.Workflow;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * {@code execute_workflow}: queues the connection's current workflow in ComfyUI and waits for the
 * render (up to {@code wait_seconds}, default {@link ExecutionSettings#defaultWait()}), sending MCP
 * progress ("KSampler 12/30") when the client asked for it. A render that takes longer goes on
 * being followed in the background; the answer then says "still rendering" with the prompt_id for
 * {@code get_execution_status}.
 */
final class ExecuteWorkflowTool implements Tool {

  private final ComfyUiClient client;
  private final CurrentWorkflows workflows;
  private final ExecutionTracker tracker;
  private final ExecutionSettings settings;
  private final Function<String, List<String>> packsProviding;
  private final ObjectNode schema;

  ExecuteWorkflowTool(
      ComfyUiClient client,
      CurrentWorkflows workflows,
      ExecutionTracker tracker,
      ExecutionSettings settings,
      Function<String, List<String>> packsProviding) {
    this.packsProviding = packsProviding;
    this.client = client;
    this.workflows = workflows;
    this.tracker = tracker;
    this.settings = settings;
    this.schema =
        InputSchema.object()
            .optionalInteger(
                "wait_seconds",
                "How long to wait for the render before answering (default "
                    + settings.defaultWait().toSeconds()
                    + "; 0 answers at once with the prompt_id). Longer renders continue; follow"
                    + " them with get_execution_status.",
                0,
                settings.maxWait().toSeconds())
            .build();
  }

  @Override
  public String name() {
    return "execute_workflow";
  }

  @Override
  public String description() {
    return "Render the current workflow in ComfyUI (POST /prompt) and wait for it. Answers"
        + " 'Rendered in <seconds>s' with the output files and their URLs; if ComfyUI refuses the"
        + " workflow, the errors per node (e.g. 'node 3 (KSampler): steps: Value 0 smaller than"
        + " min of 1'); if a node fails while running, the node and the exception. Renders longer"
        + " than wait_seconds continue in the background: the answer gives a prompt_id for"
        + " get_execution_status. Sends progress notifications when the request has a progress"
        + " token.";
  }

  @Override
  public ObjectNode inputSchema() {
    return schema;
  }

  @Override
  public ToolResult call(ObjectNode arguments, ToolContext context) {
    int waitSeconds =
        ToolArguments.of(arguments)
            .optionalInt("wait_seconds", 0, (int) settings.maxWait().toSeconds())
            .orElse((int) settings.defaultWait().toSeconds());
    Workflow workflow = workflows.currentWorkflow(context.connectionId()).requireCurrent();

    BlockingQueue<Execution.Progress> reports = new LinkedBlockingQueue<>();
    Consumer<Execution.Progress> listener = context.progressRequested() ? reports::offer : null;
    Execution execution;
    try {
      execution = tracker.submit(workflow.apiJson(), context.connectionId(), listener);
    } catch (PromptRejectedException e) {
      ObjectNode details = JsonNodeFactory.instance.objectNode();
      details.set("error", e.error());
      details.set("node_errors", e.nodeErrors());
      return ToolResult.error(e.getMessage() + packsOfMissingNode(e), details);
    }
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
      // A ComfyUI that stopped answering is said at once, not at the end of the wait.
      while (!execution.state().terminal() && execution.silence().isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        Execution.Progress report =
            reports.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
        // Reports are sent from this thread: a tool may only report while its call is running.
        while (report != null) {
          context.progress(report.progress(), report.total(), report.message());
          report = reports.poll();
        }
      }
      for (Execution.Progress report = reports.poll(); report != null; report = reports.poll()) {
        context.progress(report.progress(), report.total(), report.message());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      execution.removeListener(listener);
    }
    Execution.Snapshot snapshot = execution.snapshot();
    if (snapshot.state().terminal()) {
      return ExecutionReport.of(snapshot);
    }
    if (snapshot.silence() != null) {
      return ExecutionReport.notAnswering(snapshot, client.endpoint(), client.breakerState());
    }
    String queueInfo = null;
    if (snapshot.state() == Execution.State.SUBMITTED) {
      try {
        queueInfo = new QueueView(client.queue()).describeWait(snapshot.promptId()).orElse(null);
      } catch (RuntimeException e) {
        queueInfo = null;
      }
    }
    return ExecutionReport.stillRendering(snapshot, queueInfo);
  }

  /** Where to get a node type ComfyUI refused the workflow for, from ComfyUI-Manager's map. */
  private String packsOfMissingNode(PromptRejectedException e) {
    return PromptErrors.missingNodeType(e.error())
        .map(
            type -> {
              List<String> packs = packsProviding.apply(type);
              if (packs.isEmpty()) {
                return "";
              }
              return "\nComfyUI-Manager lists "
                  + type
                  + (packs.size() == 1 ? " in the pack " : " in " + packs.size() + " packs: ")
                  + String.join(", ", packs)
                  + ".";
            })
        .orElse("");
  }
}
