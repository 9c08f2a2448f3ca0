package dev.comfyagent.runtime.execute;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.tool.ToolResult;
import java.util.Locale;

/**
 * Writes an execution as a tool result. A finished render's text begins exactly {@code Rendered in
 * 4.2s} (a published contract: the instrument-javaagent appends GPU figures to it), followed by the
 * output files with their {@code /view} URLs; failures name the node, its type and ComfyUI's
 * exception; an unfinished render says where it is and how to follow it.
 *
 * <p>Stateless and thread-safe.
 */
final class ExecutionReport {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private ExecutionReport() {}

  /** The result for an execution in any state. */
  static ToolResult of(Execution.Snapshot s) {
    return switch (s.state()) {
      case SUCCEEDED -> ToolResult.of(rendered(s), structured(s));
      case FAILED -> ToolResult.error(failed(s), structured(s));
      case INTERRUPTED -> ToolResult.of(interrupted(s), structured(s));
      case TIMED_OUT ->
          ToolResult.error(
              "Stopped following prompt "
                  + s.promptId()
                  + " ("
                  + s.note()
                  + "); ComfyUI may still be rendering it. Call get_execution_status with this"
                  + " prompt_id to ask ComfyUI again.",
              structured(s));
      case LOST ->
          ToolResult.error(
              "Lost: prompt_id "
                  + s.promptId()
                  + ". "
                  + s.note()
                  + " ("
                  + s.nodesDone()
                  + " of "
                  + s.nodesToRun()
                  + " nodes were done when it stopped answering). Run execute_workflow again to"
                  + " render it.",
              structured(s));
      case SUBMITTED, RUNNING -> ToolResult.of(inProgress(s, null), structured(s));
    };
  }

  /**
   * ComfyUI stopped answering (neither its WebSocket nor HTTP) while the render was under way: say
   * so, where the render was, the circuit breaker's state, and what to do.
   */
  static ToolResult notAnswering(Execution.Snapshot s, String endpoint, String breakerState) {
    StringBuilder text =
        new StringBuilder("ComfyUI at ")
            .append(endpoint)
            .append(" stopped answering during the render of prompt_id ")
            .append(s.promptId())
            .append(" (no answer for ")
            .append(seconds(s.silentSeconds()))
            .append("; last try: ")
            .append(s.silence())
            .append("). Circuit breaker now: ")
            .append(breakerState)
            .append(". When it stopped, the render was ")
            .append(where(s, null))
            .append(
                ".\nWhat to do: if ComfyUI crashed (running out of GPU memory is the usual"
                    + " cause; its console says), start it again. This runtime keeps asking it:"
                    + " get_execution_status with this prompt_id then says whether the render"
                    + " finished, is still running, or was lost with a restart; execute_workflow"
                    + " queues it anew.");
    ObjectNode structured = structured(s);
    structured.put("comfyui_answering", false);
    structured.put("silent_seconds", Math.round(s.silentSeconds() * 10) / 10.0);
    structured.put("breaker_state", breakerState);
    structured.put("last_error", s.silence());
    return ToolResult.error(text.toString(), structured);
  }

  /** "Still rendering" after a wait ran out; the render goes on being followed. */
  static ToolResult stillRendering(Execution.Snapshot s, String queueInfo) {
    return ToolResult.of(
        "Still rendering: prompt_id "
            + s.promptId()
            + " ("
            + where(s, queueInfo)
            + "). The render continues in ComfyUI; call get_execution_status with this prompt_id"
            + " to follow it.",
        structured(s));
  }

  static String inProgress(Execution.Snapshot s, String queueInfo) {
    return "Rendering prompt_id " + s.promptId() + ": " + where(s, queueInfo) + ".";
  }

  private static String where(Execution.Snapshot s, String queueInfo) {
    if (s.state() == Execution.State.SUBMITTED) {
      return queueInfo == null ? "queued, not started yet" : queueInfo;
    }
    StringBuilder out = new StringBuilder();
    if (s.currentNode() != null) {
      out.append(s.currentClass());
      if (s.stepMax() > 0) {
        out.append(' ').append(s.stepValue()).append('/').append(s.stepMax());
      }
      out.append(" (node ").append(s.currentNode()).append("), ");
    }
    out.append(s.nodesDone())
        .append(" of ")
        .append(s.nodesToRun())
        .append(" nodes done, ")
        .append(seconds(s.seconds()))
        .append(" so far; followed by ")
        .append(s.followedBy());
    return out.toString();
  }

  private static String rendered(Execution.Snapshot s) {
    StringBuilder out = new StringBuilder("Rendered in ").append(seconds(s.seconds()));
    out.append("\nprompt_id ").append(s.promptId()).append(": ");
    int n = s.outputs().size();
    out.append(n == 0 ? "no output files" : n == 1 ? "1 output file" : n + " output files");
    if (!s.cachedNodes().isEmpty() && s.nodesDone() == 0) {
      out.append(" (every node was cached: ComfyUI reused its previous results)");
    }
    for (OutputFile file : s.outputs()) {
      out.append("\n- node ")
          .append(file.nodeId())
          .append(": ")
          .append(file.subfolder().isEmpty() ? "" : file.subfolder() + "/")
          .append(file.filename())
          .append(" (")
          .append(file.type())
          .append(") ")
          .append(file.url());
    }
    if (s.outage() != null) {
      out.append("\n").append(s.outage()).append('.');
    }
    return out.toString();
  }

  private static String failed(Execution.Snapshot s) {
    Execution.Failure f = s.failure();
    StringBuilder out =
        new StringBuilder("ComfyUI failed to render prompt_id ").append(s.promptId());
    if (f == null) {
      return out.append(" (no details were sent)").toString();
    }
    if (f.nodeId() != null) {
      out.append(" at node ")
          .append(f.nodeId())
          .append(" (")
          .append(f.nodeType() == null ? "?" : f.nodeType())
          .append(")");
    }
    out.append(": ");
    if (f.exceptionType() != null && !f.exceptionType().isEmpty()) {
      out.append(f.exceptionType()).append(": ");
    }
    out.append(f.exceptionMessage().isEmpty() ? "no message" : f.exceptionMessage());
    if (f.where() != null) {
      out.append("\nlast traceback line: ").append(f.where());
    }
    String type = f.exceptionType() == null ? "" : f.exceptionType();
    if (type.contains("OutOfMemory") || f.exceptionMessage().contains("out of memory")) {
      out.append(
          "\nThe GPU ran out of memory: lower the resolution or batch size, or use tiled VAE"
              + " decoding.");
    }
    if (!s.outputs().isEmpty()) {
      out.append("\nFiles written before the failure:");
      for (OutputFile file : s.outputs()) {
        out.append("\n- node ").append(file.nodeId()).append(": ").append(file.url());
      }
    }
    return out.toString();
  }

  private static String interrupted(Execution.Snapshot s) {
    StringBuilder out = new StringBuilder("Interrupted: prompt_id ").append(s.promptId());
    if (s.note() != null) {
      out.append(" was ").append(s.note());
    } else if (s.interruptedAt() != null) {
      out.append(" stopped at node ")
          .append(s.interruptedAt())
          .append(" (")
          .append(s.interruptedClass())
          .append(") after ")
          .append(seconds(s.seconds()));
    }
    out.append("; no further outputs will come from it.");
    return out.toString();
  }

  static String seconds(double value) {
    return String.format(Locale.ROOT, "%.1fs", value);
  }

  static ObjectNode structured(Execution.Snapshot s) {
    ObjectNode out = JSON.objectNode();
    out.put("prompt_id", s.promptId());
    out.put("status", s.state().name().toLowerCase(Locale.ROOT));
    out.put("seconds", Math.round(s.seconds() * 10) / 10.0);
    out.put("nodes_done", s.nodesDone());
    out.put("nodes_to_run", s.nodesToRun());
    if (s.currentNode() != null) {
      ObjectNode current = out.putObject("current_node");
      current.put("id", s.currentNode());
      current.put("class_type", s.currentClass());
      if (s.stepMax() > 0) {
        current.put("step", s.stepValue());
        current.put("steps", s.stepMax());
      }
    }
    ArrayNode outputs = out.putArray("outputs");
    for (OutputFile file : s.outputs()) {
      ObjectNode o = outputs.addObject();
      o.put("node", file.nodeId());
      o.put("kind", file.kind());
      o.put("filename", file.filename());
      o.put("subfolder", file.subfolder());
      o.put("type", file.type());
      o.put("url", file.url());
    }
    if (s.failure() != null) {
      ObjectNode error = out.putObject("error");
      error.put("node_id", s.failure().nodeId());
      error.put("node_type", s.failure().nodeType());
      error.put("exception_type", s.failure().exceptionType());
      error.put("exception_message", s.failure().exceptionMessage());
    }
    out.put("followed_by", s.followedBy());
    if (s.outage() != null) {
      out.put("outage", s.outage());
    }
    return out;
  }
}
