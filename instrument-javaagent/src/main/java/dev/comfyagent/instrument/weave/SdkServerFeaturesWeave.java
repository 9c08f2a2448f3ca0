package dev.comfyagent.instrument.weave;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;

import dev.comfyagent.instrument.bootstrap.AgentBridge;
import java.util.List;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Why: the agent adds its own {@code get_agent_stats} tool to every MCP Java SDK server built after
 * it started, without a line of the server changed. Every way of building a server (sync or async,
 * stateful or stateless, {@code McpServer.sync(...).build()} or the single-session and streamable
 * variants) ends in the constructor of one features record, which receives the server's
 * capabilities and tool list before the server reads them; adding a tool there also sets the tools
 * capability, which a server built without tools would otherwise lack.
 *
 * <p>Where: the canonical constructors of {@code McpServerFeatures$Async} and {@code
 * McpStatelessServerFeatures$Async} (SDK 2.1.0: {@code (Implementation, ServerCapabilities, List
 * tools, ...)}, checked with javap). The advice runs at the constructor's start, before the record
 * stores its fields, and may replace the two arguments: this is one of the places where the agent
 * changes what the host sees (docs/agent.md, "What the agent changes"). It changes both or neither:
 * the bridge never throws and hands back only values of the record's component types ({@link
 * AgentBridge#fitsFeatures}), and the advice suppresses anything else, so a failure leaves the
 * host's own capabilities and tools ({@code SdkServerFeaturesWeaveTest} forces each kind).
 */
public final class SdkServerFeaturesWeave implements WeaveTarget {

  static final String FEATURES = "io.modelcontextprotocol.server.McpServerFeatures$Async";
  static final String STATELESS_FEATURES =
      "io.modelcontextprotocol.server.McpStatelessServerFeatures$Async";
  static final String CAPABILITIES = "io.modelcontextprotocol.spec.McpSchema$ServerCapabilities";

  @Override
  public String name() {
    return "sdk server features";
  }

  @Override
  public WeaveRules weave(WeaveRules rules, AdviceTransformer advice) {
    return rules
        .classes(FEATURES, STATELESS_FEATURES)
        .transform(
            advice.advice(
                isConstructor()
                    .and(takesArgument(1, named(CAPABILITIES)))
                    .and(takesArgument(2, List.class)),
                FeaturesAdvice.class.getName()));
  }

  /** Lets the hooks replace the capabilities and the tool list. */
  static final class FeaturesAdvice {
    private FeaturesAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(
        @Advice.Origin Class<?> featuresType,
        @Advice.Argument(value = 1, readOnly = false, typing = Assigner.Typing.DYNAMIC)
            Object capabilities,
        @Advice.Argument(value = 2, readOnly = false, typing = Assigner.Typing.DYNAMIC)
            Object tools) {
      Object[] changed = AgentBridge.sdkServerFeatures(featuresType, capabilities, tools);
      if (changed != null) {
        capabilities = changed[0];
        tools = changed[1];
      }
    }
  }
}
