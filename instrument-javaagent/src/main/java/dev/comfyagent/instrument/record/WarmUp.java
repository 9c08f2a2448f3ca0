package dev.comfyagent.instrument.record;

import dev.comfyagent.instrument.record.ToolCallView.Layer;
import java.util.Map;

/**
 * Runs the agent's own hot path a few hundred times on throwaway objects right after startup, on a
 * background thread, so that the first real tool call does not pay for loading the agent's classes
 * and spinning its method handles: that time would otherwise be added to the first call's measured
 * duration. Nothing it does reaches the real figures: it counts on registries, a sink and a health
 * counter of its own, and says what it did in its {@link Outcome}.
 *
 * <p><b>Not once the host's calls have started.</b> When the host has already made a tool call by
 * the time the warm-up is due ({@link #runUnlessCalled}), the path is warm from real calls and the
 * warm-up is skipped: its stand-in calls would only teach the JIT types the host never passes (a
 * {@code Map} of arguments, a pattern frame, a sink that is not the trace queue), relink the host
 * reads' inline caches to its stand-in classes and so throw away the code already compiled for the
 * host's calls. Compiled again on that mixed profile, the traced call was slower in some JVMs than
 * in others ({@code AgentOverheadBenchmark}: forks at about 250 and 330 ns).
 */
public final class WarmUp {

  /** Rounds of the hot path: each times a stand-in tool call with a nested call in it. */
  static final int ROUNDS = 300;

  /** The tool name the stand-in tool's calls are counted under. */
  static final String TOOL_NAME = "warm_up";

  /**
   * What a warm-up did, on its own figures.
   *
   * @param toolCalls calls counted under the stand-in tool's name ({@value #TOOL_NAME}) by both of
   *     its trackers: {@code 2 * ROUNDS} when the hot path read the tool's name and timed each call
   * @param traceEvents trace events the tracing tracker produced
   * @param internalErrors failures the trackers swallowed and counted (0 when the path works)
   */
  public record Outcome(long toolCalls, long traceEvents, long internalErrors) {}

  private WarmUp() {}

  /**
   * {@link #run} unless {@code hostCalls} already counts a call of the host's.
   *
   * @return what the warm-up did, or {@code null} when it was skipped
   */
  public static Outcome runUnlessCalled(HostReader host, ToolStatsRegistry hostCalls) {
    if (hostCalls.size() > 0) {
      return null;
    }
    return run(host);
  }

  /**
   * Exercises a tracker built on {@code host}, with its own registries, health counter and a sink
   * that counts and drops.
   */
  public static Outcome run(HostReader host) {
    AgentHealth quiet = new AgentHealth(false);
    ToolStatsRegistry traced = new ToolStatsRegistry(8);
    ToolStatsRegistry plain = new ToolStatsRegistry(8);
    long[] events = {0};
    ToolCallTracker tracker =
        new ToolCallTracker(
            traced,
            host,
            new InputSummary(64, host.treeReader()),
            new CorrelationSequences(8),
            event -> {
              events[0]++;
              return true;
            },
            quiet);
    ToolCallTracker untraced =
        new ToolCallTracker(
            plain,
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
    long toolCalls = 0;
    for (ToolStatsRegistry registry : new ToolStatsRegistry[] {traced, plain}) {
      toolCalls += registry.find(TOOL_NAME).map(stats -> stats.total().calls()).orElse(0L);
    }
    return new Outcome(toolCalls, events[0], quiet.internalErrors());
  }

  /** A stand-in tool, read like a runtime tool through its public {@code name()}. */
  public static final class Tool {
    /** The stand-in's name. */
    public String name() {
      return TOOL_NAME;
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
