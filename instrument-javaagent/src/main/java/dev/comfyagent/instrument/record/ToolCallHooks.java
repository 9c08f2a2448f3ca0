package dev.comfyagent.instrument.record;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The {@link ToolCallHook}s of a {@link ToolCallTracker}, called at every frame's start and end.
 * Which hooks observe a tool is asked once per tool and hook set ({@link ToolCallHook#observes})
 * and remembered on the tool's {@link ToolStats}, so a call asks nothing. A hook that throws is
 * counted as an internal error and the call goes on.
 *
 * <p>Thread-safe: hooks are added under a lock, read without one.
 */
final class ToolCallHooks {

  private static final ToolCallHook[] NONE = new ToolCallHook[0];

  private final AgentHealth health;
  private volatile ToolCallHook[] all = NONE;

  ToolCallHooks(AgentHealth health) {
    this.health = health;
  }

  synchronized void add(ToolCallHook hook) {
    ToolCallHook[] grown = Arrays.copyOf(all, all.length + 1);
    grown[all.length] = hook;
    all = grown;
  }

  /** Runs the start hooks of the frame's tool. */
  void started(CallFrame frame) {
    for (ToolCallHook hook : observing(frame)) {
      try {
        hook.started(frame);
      } catch (RuntimeException e) {
        health.internalError("hook " + hook.getClass().getName(), e);
      }
    }
  }

  /** Runs the end hooks of the frame's tool; returns what the woven method returns. */
  Object finished(CallFrame frame, Object result, Throwable thrown) {
    Object returned = result;
    for (ToolCallHook hook : observing(frame)) {
      try {
        returned = hook.finished(frame, returned, thrown);
      } catch (RuntimeException e) {
        health.internalError("hook " + hook.getClass().getName(), e);
      }
    }
    return returned;
  }

  /**
   * The hooks for the frame's tool: those of the current set that {@linkplain ToolCallHook#observes
   * observe} it, chosen once per tool and hook set.
   */
  private ToolCallHook[] observing(CallFrame frame) {
    ToolCallHook[] current = all;
    ToolStats stats = frame.counting().stats;
    if (current.length == 0 || stats == null) {
      return current;
    }
    ToolStats.HookChoice choice = stats.hookChoice;
    if (choice != null && choice.from() == current) {
      return choice.chosen();
    }
    ToolCallHook[] chosen = current;
    String name = stats.name();
    if (!ToolStatsRegistry.UNKNOWN.equals(name) && !ToolStatsRegistry.OVERFLOW.equals(name)) {
      List<ToolCallHook> observing = new ArrayList<>(current.length);
      for (ToolCallHook hook : current) {
        boolean observes;
        try {
          observes = hook.observes(name);
        } catch (RuntimeException e) {
          health.internalError("hook " + hook.getClass().getName(), e);
          observes = true;
        }
        if (observes) {
          observing.add(hook);
        }
      }
      chosen = observing.toArray(NONE);
    }
    stats.hookChoice = new ToolStats.HookChoice(current, chosen);
    return chosen;
  }
}
