package dev.comfyagent.instrument.weave;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isBridge;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.isMethod;
import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.not;

import dev.comfyagent.instrument.bootstrap.AgentBridge;
import dev.comfyagent.instrument.config.ToolPattern;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Why: servers that are not built on the runtime's {@code Tool} interface (or that call helpers
 * worth timing as tools) name their tool methods with the {@code tools} option, e.g. {@code
 * tools=com.acme.*Tool#execute}.
 *
 * <p>Where: the methods the pattern names (concrete, non-synthetic, non-bridge). The tool's name is
 * {@code SimpleClassName#method}. Results are only read (void methods included), never replaced.
 * With tracing on, the advice also passes all arguments for the input summary; with tracing off it
 * passes none, so the call allocates nothing.
 */
public final class PatternToolWeave implements WeaveTarget {

  private final ToolPattern pattern;
  private final boolean tracing;

  /**
   * @param pattern what to weave
   * @param tracing whether arguments are captured for input summaries
   */
  public PatternToolWeave(ToolPattern pattern, boolean tracing) {
    this.pattern = pattern;
    this.tracing = tracing;
  }

  @Override
  public String name() {
    return "tools=" + pattern;
  }

  @Override
  public WeaveRules weave(WeaveRules rules, AdviceTransformer advice) {
    String glob = pattern.typeGlob();
    int star = glob.indexOf('*');
    WeaveRules.Pending types =
        pattern.includeSubtypes()
            ? rules.subtypesOf(glob)
            : star < 0
                ? rules.classes(glob)
                // the glob's literal beginning names the classes; its regex narrows them
                : rules
                    .classesUnder(glob.substring(0, star))
                    .that(new NameMatches<>(pattern.typeRegex()));
    ElementMatcher.Junction<MethodDescription> methods =
        isMethod()
            .and(new NameMatches<>(pattern.methodRegex()))
            .and(not(isAbstract()))
            .and(not(isBridge()))
            .and(not(isSynthetic()));
    String adviceClass = (tracing ? TracedAdvice.class : UntracedAdvice.class).getName();
    return types.that(not(isInterface())).transform(advice.advice(methods, adviceClass));
  }

  /** Times a matched method and captures its arguments for the input summary. */
  static final class TracedAdvice {
    private TracedAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(
        @Advice.This(optional = true) Object receiver,
        @Advice.Origin Class<?> type,
        @Advice.Origin("#m#d") String site,
        @Advice.AllArguments Object[] arguments) {
      return AgentBridge.enterToolCall(AgentBridge.LAYER_PATTERN, receiver, type, site, arguments);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @Advice.Enter Object frame,
        @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object result,
        @Advice.Thrown Throwable thrown) {
      AgentBridge.exitToolCall(frame, result, thrown);
    }
  }

  /** Times a matched method without touching its arguments. */
  static final class UntracedAdvice {
    private UntracedAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(
        @Advice.This(optional = true) Object receiver,
        @Advice.Origin Class<?> type,
        @Advice.Origin("#m#d") String site) {
      return AgentBridge.enterToolCall(AgentBridge.LAYER_PATTERN, receiver, type, site, null);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @Advice.Enter Object frame,
        @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object result,
        @Advice.Thrown Throwable thrown) {
      AgentBridge.exitToolCall(frame, result, thrown);
    }
  }
}
