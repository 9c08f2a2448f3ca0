package dev.comfyagent.instrument.weave;

import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.comfyagent.instrument.bootstrap.AgentBridge;
import net.bytebuddy.asm.Advice;

/**
 * Why: the {@code tools/call} handler receives the request's params but not its JSON-RPC id, which
 * traces carry as {@code jsonrpc.request.id} so that a line can be matched with the client's log.
 * The session dispatches the request to the handler synchronously on one thread, so the id is noted
 * there for the handler to pick up.
 *
 * <p>Where: {@code McpServerSession}'s {@code lambda$handleIncomingRequest$N(McpRequestHandler,
 * McpTransportContext, JSONRPCRequest, McpAsyncServerExchange)} (stateful servers) and {@code
 * DefaultMcpStatelessServerHandler#handleRequest(McpTransportContext, JSONRPCRequest)} (SDK 2.1.0);
 * the three-argument {@code lambda$handleIncomingRequest$N(RequestHandler, JSONRPCRequest,
 * exchange)} of SDK 0.8 to 0.10; and {@code McpStreamableServerSession}'s {@code
 * lambda$responseStream$N(McpStreamableServerTransport, JSONRPCRequest...)}, where a streamable
 * HTTP session hands a request to its handler (0.14 to 1.0, checked with javap), and from 1.1 on
 * its stream's {@code lambda$handle$N(JSONRPCRequest, ContextView)}.
 */
public final class SdkRequestIdWeave implements WeaveTarget {

  static final String SESSION = "io.modelcontextprotocol.spec.McpServerSession";
  static final String STATELESS_HANDLER =
      "io.modelcontextprotocol.server.DefaultMcpStatelessServerHandler";
  static final String JSON_RPC_REQUEST = "io.modelcontextprotocol.spec.McpSchema$JSONRPCRequest";
  static final String STREAMABLE_SESSION =
      "io.modelcontextprotocol.spec.McpStreamableServerSession";
  static final String STREAMABLE_STREAM = STREAMABLE_SESSION + "$McpStreamableServerSessionStream";
  static final String CONTEXT_VIEW = "reactor.util.context.ContextView";
  static final String STREAMABLE_TRANSPORT =
      "io.modelcontextprotocol.spec.McpStreamableServerTransport";

  @Override
  public String name() {
    return "sdk JSON-RPC request id";
  }

  @Override
  public WeaveRules weave(WeaveRules rules, AdviceTransformer advice) {
    return rules
        .classes(SESSION)
        .transform(
            advice
                .advice(
                    nameStartsWith("lambda$handleIncomingRequest$")
                        .and(takesArguments(4))
                        .and(
                            takesArgument(
                                0, named("io.modelcontextprotocol.server.McpRequestHandler")))
                        .and(takesArgument(2, named(JSON_RPC_REQUEST))),
                    StatefulAdvice.class.getName())
                .advice(
                    nameStartsWith("lambda$handleIncomingRequest$")
                        .and(takesArguments(3))
                        .and(takesArgument(0, named(SESSION + "$RequestHandler")))
                        .and(takesArgument(1, named(JSON_RPC_REQUEST))),
                    LegacyAdvice.class.getName()))
        .classes(STREAMABLE_SESSION)
        .transform(
            advice.advice(
                nameStartsWith("lambda$responseStream$")
                    .and(takesArgument(0, named(STREAMABLE_TRANSPORT)))
                    .and(takesArgument(1, named(JSON_RPC_REQUEST))),
                LegacyAdvice.class.getName()))
        .classes(STREAMABLE_STREAM)
        .transform(
            advice.advice(
                nameStartsWith("lambda$handle$")
                    .and(takesArguments(2))
                    .and(takesArgument(0, named(JSON_RPC_REQUEST)))
                    .and(takesArgument(1, named(CONTEXT_VIEW))),
                FirstArgumentAdvice.class.getName()))
        .classes(STATELESS_HANDLER)
        .transform(
            advice.advice(
                named("handleRequest")
                    .and(takesArguments(2))
                    .and(takesArgument(1, named(JSON_RPC_REQUEST))),
                StatelessAdvice.class.getName()));
  }

  /** Notes the request being dispatched by a stateful session. */
  static final class StatefulAdvice {
    private StatefulAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.Argument(2) Object request) {
      return AgentBridge.enterJsonRpcRequest(request);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter Object token) {
      AgentBridge.exitJsonRpcRequest(token);
    }
  }

  /**
   * Notes the request at argument 1: a stateful session of SDK 0.8 to 0.10 ({@code (RequestHandler,
   * JSONRPCRequest, exchange)}), and a streamable HTTP session ({@code (transport,
   * JSONRPCRequest...)}), which hands the request to its handler in that lambda.
   */
  static final class LegacyAdvice {
    private LegacyAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.Argument(1) Object request) {
      return AgentBridge.enterJsonRpcRequest(request);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter Object token) {
      AgentBridge.exitJsonRpcRequest(token);
    }
  }

  /**
   * Notes the request at argument 0: a streamable HTTP session's stream of SDK 1.1 on hands the
   * request to its handler in {@code lambda$handle$N(JSONRPCRequest, ContextView)}, when the
   * response stream is subscribed.
   */
  static final class FirstArgumentAdvice {
    private FirstArgumentAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.Argument(0) Object request) {
      return AgentBridge.enterJsonRpcRequest(request);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter Object token) {
      AgentBridge.exitJsonRpcRequest(token);
    }
  }

  /** Notes the request being dispatched by a stateless server. */
  static final class StatelessAdvice {
    private StatelessAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.Argument(1) Object request) {
      return AgentBridge.enterJsonRpcRequest(request);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter Object token) {
      AgentBridge.exitJsonRpcRequest(token);
    }
  }
}
