package dev.comfyagent.instrument.weave;

import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.comfyagent.instrument.bootstrap.AgentBridge;
import java.util.Map;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Why: a synchronous tool ({@code SyncToolSpecification}, as agent-runtime registers its tools)
 * runs inside the SDK's adapter on a Reactor worker thread. Timing the adapter there is exact and
 * synchronous, and puts the SDK's view of the call (name, arguments, {@code _meta}, session) on the
 * same thread as the tool, so the runtime's {@code Tool#call} joins it and a tool called inside it
 * is its child.
 *
 * <p>Where: the two lambdas of {@code AsyncToolSpecification.fromSync} in {@code McpServerFeatures}
 * and {@code McpStatelessServerFeatures} (SDK 2.1.0): the one returning a {@code CallToolResult}
 * runs the tool (timed here); the one returning a {@code Mono} wraps it during the asynchronous
 * handler's assembly (noted, so that the handler's layer stands back). SDK 0.8 to 0.10 pass the
 * arguments map instead of the request ({@code (spec, exchange, Map)}); the asynchronous handler
 * hands that map's call its JSON-RPC id and correlation id, so a tool called inside it stays in its
 * chain.
 */
public final class SdkSyncToolWeave implements WeaveTarget {

  static final String FEATURES =
      "io.modelcontextprotocol.server.McpServerFeatures$AsyncToolSpecification";
  static final String STATELESS_FEATURES =
      "io.modelcontextprotocol.server.McpStatelessServerFeatures$AsyncToolSpecification";
  static final String CALL_TOOL_REQUEST = "io.modelcontextprotocol.spec.McpSchema$CallToolRequest";
  static final String CALL_TOOL_RESULT = "io.modelcontextprotocol.spec.McpSchema$CallToolResult";
  static final String SYNC_SPECIFICATION =
      "io.modelcontextprotocol.server.McpServerFeatures$SyncToolSpecification";

  @Override
  public String name() {
    return "sdk synchronous tool adapter";
  }

  @Override
  public WeaveRules weave(WeaveRules rules, AdviceTransformer advice) {
    return rules
        .classes(FEATURES, STATELESS_FEATURES)
        .transform(
            advice
                .advice(
                    nameStartsWith("lambda$fromSync$")
                        .and(takesArguments(3))
                        .and(takesArgument(2, named(CALL_TOOL_REQUEST)))
                        .and(returns(named(CALL_TOOL_RESULT))),
                    RunAdvice.class.getName())
                .advice(
                    nameStartsWith("lambda$fromSync$")
                        .and(takesArguments(4))
                        .and(takesArgument(3, named(CALL_TOOL_REQUEST)))
                        .and(returns(named(SdkToolCallWeave.MONO))),
                    AssembleAdvice.class.getName())
                .advice(
                    nameStartsWith("lambda$fromSync$")
                        .and(takesArguments(3))
                        .and(takesArgument(0, named(SYNC_SPECIFICATION)))
                        .and(takesArgument(2, Map.class))
                        .and(returns(named(CALL_TOOL_RESULT))),
                    ArgumentsRunAdvice.class.getName())
                .advice(
                    nameStartsWith("lambda$fromSync$")
                        .and(takesArguments(3))
                        .and(takesArgument(2, Map.class))
                        .and(returns(named(SdkToolCallWeave.MONO))),
                    ArgumentsAssembleAdvice.class.getName())
                .advice(
                    nameStartsWith("lambda$fromSync$")
                        .and(takesArguments(4))
                        .and(takesArgument(3, Map.class))
                        .and(returns(named(SdkToolCallWeave.MONO))),
                    ArgumentsAssembleAfterFlagAdvice.class.getName()));
  }

  /** Times one synchronous tool run. */
  static final class RunAdvice {
    private RunAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(
        @Advice.Argument(1) Object exchangeOrContext, @Advice.Argument(2) Object request) {
      return AgentBridge.enterSdkSyncCall(exchangeOrContext, request);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @Advice.Enter Object frame,
        @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object result,
        @Advice.Thrown Throwable thrown) {
      result = AgentBridge.exitToolCall(frame, result, thrown);
    }
  }

  /**
   * Times one synchronous tool run of SDK 0.8 to 0.10 (and the arguments-only form that 0.14 to
   * 0.17 keep): the adapter receives the specification, the exchange and the arguments map, not the
   * request; the tool's name comes from the specification.
   */
  static final class ArgumentsRunAdvice {
    private ArgumentsRunAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(
        @Advice.Argument(0) Object specification,
        @Advice.Argument(1) Object exchange,
        @Advice.Argument(2) Object arguments) {
      return AgentBridge.enterSdkSyncArgumentsCall(specification, exchange, arguments);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @Advice.Enter Object frame,
        @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object result,
        @Advice.Thrown Throwable thrown) {
      result = AgentBridge.exitToolCall(frame, result, thrown);
    }
  }

  /** The arguments-only adapter of SDK 0.8 to 0.10 is wrapped: {@code (spec, exchange, Map)}. */
  static final class ArgumentsAssembleAdvice {
    private ArgumentsAssembleAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(2) Object arguments) {
      AgentBridge.sdkSyncAdapterAssembled(arguments);
    }
  }

  /** The same in 0.14 to 0.17: {@code (spec, immediate, exchange, Map)}. */
  static final class ArgumentsAssembleAfterFlagAdvice {
    private ArgumentsAssembleAfterFlagAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(3) Object arguments) {
      AgentBridge.sdkSyncAdapterAssembled(arguments);
    }
  }

  /** Notes that a synchronous tool is being wrapped for an asynchronous call. */
  static final class AssembleAdvice {
    private AssembleAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(3) Object request) {
      AgentBridge.sdkSyncAdapterAssembled(request);
    }
  }
}
