package dev.comfyagent.instrument.weave;

import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.comfyagent.instrument.bootstrap.AgentBridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Why: every {@code tools/call} of every MCP Java SDK server passes the handler that {@code
 * McpAsyncServer#toolsCallRequestHandler()} (or the stateless server's) builds, so a server nobody
 * here wrote is observed too, including calls that never reach a tool (an unknown tool name, input
 * that fails the tool's schema).
 *
 * <p>Where: the handler's lambda in {@code McpAsyncServer} (SDK 0.10 on), {@code
 * McpAsyncServer$AsyncServerImpl} (0.8.x, 0.9.x) or the stateless server, the method that runs once
 * per call: {@code lambda$toolsCallRequestHandler$N(exchange-or-context, Object params)} returning
 * a {@code Mono} (checked against SDK 2.1.0 with javap; matched by name prefix and shape, not by
 * its number). It only assembles the call, so the advice passes the returned {@code Mono} to the
 * agent, which either leaves it untouched (a synchronous tool: its adapter, woven by {@link
 * SdkSyncToolWeave}, counts the call on the thread that runs it) or attaches completion callbacks
 * that pass every signal through (an asynchronous tool).
 */
public final class SdkToolCallWeave implements WeaveTarget {

  static final String ASYNC_SERVER = "io.modelcontextprotocol.server.McpAsyncServer";
  static final String STATELESS_SERVER = "io.modelcontextprotocol.server.McpStatelessAsyncServer";

  /** Where the handler lives in SDK 0.8.x and 0.9.x: {@code McpAsyncServer} is a facade there. */
  static final String ASYNC_SERVER_IMPL = ASYNC_SERVER + "$AsyncServerImpl";

  static final String MONO = "reactor.core.publisher.Mono";

  @Override
  public String name() {
    return "sdk tools/call handler";
  }

  @Override
  public WeaveRules weave(WeaveRules rules, AdviceTransformer advice) {
    return rules
        .classes(ASYNC_SERVER, ASYNC_SERVER_IMPL, STATELESS_SERVER)
        .transform(
            advice.advice(
                JoinPointFound.recording(
                    nameStartsWith("lambda$toolsCallRequestHandler$")
                        .and(takesArguments(2))
                        .and(takesArgument(1, Object.class))
                        .and(returns(named(MONO)))),
                HandlerAdvice.class.getName()));
  }

  /** Observes one assembled {@code tools/call}. */
  static final class HandlerAdvice {
    private HandlerAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(
        @Advice.Argument(0) Object exchangeOrContext, @Advice.Argument(1) Object params) {
      return AgentBridge.enterSdkAsyncCall(exchangeOrContext, params);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @Advice.Enter Object frame,
        @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object mono,
        @Advice.Thrown Throwable thrown) {
      mono = AgentBridge.exitSdkAsyncCall(frame, mono, thrown);
    }
  }
}
