package dev.comfyagent.instrument.weave;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isBridge;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.comfyagent.instrument.bootstrap.AgentBridge;
import dev.comfyagent.instrument.host.RuntimeContract;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Why: every tool of agent-runtime implements {@code dev.comfyagent.runtime.tool.Tool#call}, so
 * timing that method sees each tool, also when a tool calls another tool directly (a child call)
 * and when the runtime is used outside MCP.
 *
 * <p>Where: {@code call(ObjectNode, ToolContext)} of every non-interface subtype of {@code Tool}
 * (abstract base classes included), in class loaders that can see {@code Tool}; common libraries
 * are skipped by name before the costlier supertype check.
 */
public final class RuntimeToolWeave implements WeaveTarget {

  /** The runtime's published tool interface. */
  public static final String TOOL_INTERFACE = RuntimeContract.TOOL;

  static final ElementMatcher.Junction<TypeDescription> LIBRARIES =
      nameStartsWith("com.fasterxml.")
          .or(nameStartsWith("tools.jackson."))
          .or(nameStartsWith("reactor."))
          .or(nameStartsWith("org.reactivestreams."))
          .or(nameStartsWith("io.modelcontextprotocol."))
          .or(nameStartsWith("org.slf4j."))
          .or(nameStartsWith("ch.qos.logback."))
          .or(nameStartsWith("picocli."))
          .or(nameStartsWith("io.github.resilience4j."))
          .or(nameStartsWith("io.vavr."))
          .or(nameStartsWith("org.eclipse.jetty."))
          .or(nameStartsWith("io.netty."))
          .or(nameStartsWith("com.networknt."))
          .or(nameStartsWith("org.apache."))
          .or(nameStartsWith("kotlin."))
          .or(nameStartsWith("org.junit."))
          .or(nameStartsWith("org.assertj."));

  @Override
  public String name() {
    return "tool";
  }

  @Override
  public WeaveRules weave(WeaveRules rules, AdviceTransformer advice) {
    return rules
        .subtypesOf(TOOL_INTERFACE)
        .that(not(isInterface()).and(not(LIBRARIES)))
        .in(ClassLoaderSees.classNamed(TOOL_INTERFACE))
        .transform(
            advice.advice(
                named(RuntimeContract.TOOL_CALL)
                    .and(takesArguments(RuntimeContract.TOOL_CALL_PARAMETERS))
                    .and(not(isAbstract()))
                    .and(not(isBridge()))
                    .and(not(returns(void.class))),
                CallAdvice.class.getName()));
  }

  /** Times one {@code Tool#call}. */
  static final class CallAdvice {
    private CallAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(
        @Advice.This Object tool,
        @Advice.Origin Class<?> type,
        @Advice.Origin("#m#d") String site,
        @Advice.Argument(0) Object arguments) {
      return AgentBridge.enterToolCall(AgentBridge.LAYER_TOOL, tool, type, site, arguments);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @Advice.Enter Object frame,
        @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object result,
        @Advice.Thrown Throwable thrown) {
      result = AgentBridge.exitToolCall(frame, result, thrown);
    }
  }
}
