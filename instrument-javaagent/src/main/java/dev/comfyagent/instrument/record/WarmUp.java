package dev.comfyagent.instrument.record;

import dev.comfyagent.instrument.record.ToolCallView.Layer;
import java.util.Map;

/**
 * Runs the agent's own hot path a few hundred times on throwaway objects right after startup, on a
 * background thread, so that the first real tool call does not pay for loading the agent's classes
 * and spinning its method handles: that time would otherwise be added to the first call's measured
 * duration. Nothing it does reaches the real figures.
 */
public final class WarmUp {

  private static final int ROUNDS = 300;

  private WarmUp() {}

  /** Exercises a tracker built on {@code host}, with its own registry and a sink that drops. */
  public static void run(HostReader host) {
    AgentHealth quiet = new AgentHealth(false);
    ToolCallTracker tracker =
        new ToolCallTracker(
            new ToolStatsRegistry(8),
            host,
            new InputSummary(64, host.treeReader()),
            new CorrelationSequences(8),
            event -> true,
            quiet);
    ToolCallTracker untraced =
        new ToolCallTracker(
            new ToolStatsRegistry(8),
            host,
            new InputSummary(0, host.treeReader()),
            new CorrelationSequences(8),
            null,
            quiet);
    Tool tool = new Tool();
    Result result = new Result();
    Map<String, Object> arguments = Map.of("path", "/warm/up.json", "token", "x");
    for (int i = 0; i < ROUNDS; i++) {
      for (ToolCallTracker t : new ToolCallTracker[] {tracker, untraced}) {
        Object outer =
            t.enterCode(
                Layer.TOOL,
                host.toolName(tool, Tool.class),
                tool,
                Tool.class,
                "call()V",
                arguments);
        Object inner =
            t.enterCode(
                Layer.PATTERN,
                host.patternName(Result.class, "isError()Z"),
                result,
                Result.class,
                "isError()Z",
                null);
        t.exit(inner, null, null);
        t.exit(outer, result, null);
      }
    }
  }

  /** A stand-in tool, read like a runtime tool through its public {@code name()}. */
  public static final class Tool {
    /** The stand-in's name. */
    public String name() {
      return "warm_up";
    }
  }

  /** A stand-in result, read like a runtime result through its public {@code isError()}. */
  public static final class Result {
    /** Never an error. */
    public boolean isError() {
      return false;
    }
  }
}
