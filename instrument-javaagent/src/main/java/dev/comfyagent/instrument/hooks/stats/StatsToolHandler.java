package dev.comfyagent.instrument.hooks.stats;

import dev.comfyagent.instrument.host.SdkTypes;
import dev.comfyagent.instrument.record.AgentHealth;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The call handler of the agent's stats tool on one server: the SDK calls it with the exchange (or
 * the stateless transport context) and the {@code CallToolRequest} (the arguments map before SDK
 * 1.0), and gets a Reactor {@code Mono} that builds the answer when subscribed. Implemented against
 * JDK types only; the SDK's own objects come from {@link SdkTypes}.
 *
 * <p>A wrong argument (an unknown name, a {@code tool} that is not a string or names no known tool)
 * is answered with an {@code isError} result naming the problem; nothing is thrown at the SDK.
 *
 * <p>Thread-safe.
 */
final class StatsToolHandler implements BiFunction<Object, Object, Object> {

  /** The only argument: narrows the answer to one tool. */
  static final String TOOL_ARGUMENT = "tool";

  private final SdkTypes sdk;
  private final StatsReport report;
  private final List<String> serverTools;
  private final AgentHealth health;

  StatsToolHandler(SdkTypes sdk, StatsReport report, List<String> serverTools, AgentHealth health) {
    this.sdk = sdk;
    this.report = report;
    this.serverTools = List.copyOf(serverTools);
    this.health = health;
  }

  @Override
  public Object apply(Object exchangeOrContext, Object request) {
    try {
      return sdk.mono(() -> answer(request));
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("the host's Reactor refused a Mono", e);
    }
  }

  /** Builds the {@code CallToolResult} of one call. */
  Object answer(Object request) throws Exception {
    try {
      StatsReport.Answer answer = answerFor(sdk.arguments(request));
      return sdk.result(answer.text(), answer.structured(), answer.isError());
    } catch (Exception | Error e) {
      throw e;
    } catch (Throwable e) {
      health.internalError("get_agent_stats", e);
      throw new IllegalStateException("the agent could not build its stats: " + e, e);
    }
  }

  StatsReport.Answer answerFor(Map<?, ?> arguments) {
    String tool = null;
    if (arguments != null) {
      for (Map.Entry<?, ?> argument : arguments.entrySet()) {
        if (!TOOL_ARGUMENT.equals(argument.getKey())) {
          return new StatsReport.Answer(
              "unknown argument '"
                  + argument.getKey()
                  + "': the only argument is 'tool' (a tool name, to narrow the figures to it)",
              null,
              true);
        }
        Object value = argument.getValue();
        if (value != null && !(value instanceof String)) {
          return new StatsReport.Answer(
              "argument 'tool' must be a tool name (a string), got " + describe(value), null, true);
        }
        tool = (String) value;
      }
    }
    return report.answer(serverTools, tool == null || tool.isBlank() ? null : tool.trim());
  }

  private static String describe(Object value) {
    return value instanceof Number
        ? "the number " + value
        : "a " + value.getClass().getSimpleName();
  }
}
