package dev.comfyagent.instrument.weave;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.comfyagent.instrument.bootstrap.AgentBridge;
import net.bytebuddy.asm.Advice;

/**
 * Why: an MCP server that is not agent-runtime has no session registry of its own, but its SDK
 * transport keeps its sessions: the stdio transport one ({@code session}), the HTTP transports
 * (SSE, streamable HTTP, the Spring WebMVC/WebFlux ones) a map of them by id ({@code sessions}).
 * The agent counts those, read live from the transport (see {@code
 * MethodHandleHostReader#sessionCount}), so {@code sessions} is known on any server.
 *
 * <p>Where: {@code setSessionFactory(factory)} of every class of the SDK's {@code
 * io.modelcontextprotocol.server.transport} package: the server calls it once while it is built
 * (SDK 0.8.1 to 2.2.0, checked with javap), after which the transport's sessions can be counted.
 */
public final class SdkSessionsWeave implements WeaveTarget {

  static final String TRANSPORTS = "io.modelcontextprotocol.server.transport.";

  @Override
  public String name() {
    return "sdk transport sessions";
  }

  @Override
  public WeaveRules weave(WeaveRules rules, AdviceTransformer advice) {
    return rules
        .classesUnder(TRANSPORTS)
        .transform(
            advice.advice(
                named("setSessionFactory").and(takesArguments(1)).and(not(isStatic())),
                SessionFactoryAdvice.class.getName()));
  }

  /** Registers the transport once it can make sessions. */
  static final class SessionFactoryAdvice {
    private SessionFactoryAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object transport) {
      AgentBridge.sdkTransportSeen(transport);
    }
  }
}
