package dev.comfyagent.instrument.hooks.gpu;

import dev.comfyagent.instrument.record.AgentHealth;
import dev.comfyagent.instrument.record.ToolCallHook;
import dev.comfyagent.instrument.record.ToolCallView;
import java.util.ArrayDeque;

/**
 * Opens a GPU window around each call of a GPU-bound tool ({@code gpu.tools}, default {@code
 * execute_workflow}) and puts the window's reading into the call's text result.
 *
 * <p>One logical call can pass several woven frames on its thread: the SDK's synchronous adapter,
 * then the runtime's {@code Tool#call} that joins it. The window opens at the frame that owns the
 * call (the first, not joined) and is read once, at the first frame that finishes (the innermost):
 * the runtime's {@code ToolResult} gets the figures there, before the runtime turns it into the
 * SDK's result; the owning frame closes the window. Outer frames see figures already present and
 * leave the text alone ({@link GpuResultRewriter}), so the client sees them once.
 *
 * <p>Frames of the SDK's asynchronous handler are skipped: it only assembles the call, which runs
 * later on another thread, so a window there would be empty (asynchronous tools of other SDK
 * servers get no GPU figures; the runtime's tools are synchronous).
 *
 * <p>Thread-safe: state is per thread.
 */
final class GpuToolHook implements ToolCallHook {

  private final GpuSampler sampler;
  private final AgentHealth health;
  private final ThreadLocal<ArrayDeque<Call>> calls = ThreadLocal.withInitial(ArrayDeque::new);

  GpuToolHook(GpuSampler sampler, AgentHealth health) {
    this.sampler = sampler;
    this.health = health;
  }

  /** Only GPU-bound tools: the others' calls never reach this hook. */
  @Override
  public boolean observes(String toolName) {
    return sampler.settings().isGpuBound(toolName);
  }

  @Override
  public void started(ToolCallView call) {
    if (call.layer() == ToolCallView.Layer.SDK_ASYNC
        || call.joined()
        || !sampler.settings().isGpuBound(call.toolName())) {
      return;
    }
    calls.get().push(new Call(sampler.open()));
  }

  @Override
  public Object finished(ToolCallView call, Object result, Throwable thrown) {
    if (call.layer() == ToolCallView.Layer.SDK_ASYNC
        || !sampler.settings().isGpuBound(call.toolName())) {
      return result;
    }
    ArrayDeque<Call> open = calls.get();
    Call current = open.peek();
    if (current == null) {
      return result;
    }
    GpuReading reading = current.reading();
    if (!call.joined()) {
      open.pop();
    }
    if (thrown != null) {
      return result;
    }
    try {
      return GpuResultRewriter.rewrite(result, reading);
    } catch (Throwable e) {
      if (e instanceof Error error && !(e instanceof LinkageError)) {
        throw error;
      }
      health.internalError("adding GPU figures to " + call.toolName(), e);
      return result;
    }
  }

  /** One GPU-bound call in progress on this thread: its window, read once. */
  private static final class Call {
    private final GpuWindow window;
    private GpuReading reading;

    Call(GpuWindow window) {
      this.window = window;
    }

    GpuReading reading() {
      if (reading == null) {
        reading = window.close();
      }
      return reading;
    }
  }
}
