package dev.comfyagent.instrument.weave;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;

import dev.comfyagent.instrument.bootstrap.AgentBridge;
import dev.comfyagent.instrument.host.RuntimeContract;
import java.util.List;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Why: how many editing sessions are open is the runtime's main memory driver; the count is read
 * from the registry itself ({@code size()}), so it stays right however sessions come and go.
 *
 * <p>Where: {@code dev.comfyagent.runtime.session.SessionRegistry} (its contract with the agent,
 * see docs/architecture.md): constructors register the registry; after each of the public methods
 * that open or close a session ({@link RuntimeContract#SESSION_REGISTRY_CHANGES}, by name; a reader
 * such as {@code openNames()} is left alone) the count and its peak are updated. After {@code
 * current…} ({@link RuntimeContract#SESSION_REGISTRY_USES}), which nearly every tool call goes
 * through, a registry built before a late attach is made known, and nothing is recounted: the
 * scratch session it opens on first use is opened by {@code openScratchSession}.
 */
public final class SessionRegistryWeave implements WeaveTarget {

  /** The runtime's session registry. */
  public static final String REGISTRY = RuntimeContract.SESSION_REGISTRY;

  @Override
  public String name() {
    return "runtime session registry";
  }

  @Override
  public WeaveRules weave(WeaveRules rules, AdviceTransformer advice) {
    return rules
        .classes(REGISTRY)
        .transform(
            advice
                .advice(isConstructor(), CreatedAdvice.class.getName())
                .advice(
                    publicInstanceMethodsNamed(RuntimeContract.SESSION_REGISTRY_CHANGES),
                    ChangedAdvice.class.getName())
                .advice(
                    publicInstanceMethodsNamed(RuntimeContract.SESSION_REGISTRY_USES),
                    UsedAdvice.class.getName()));
  }

  private static ElementMatcher.Junction<MethodDescription> publicInstanceMethodsNamed(
      List<String> names) {
    return isPublic().and(not(isStatic())).and(namedOneOf(names.toArray(String[]::new)));
  }

  /** Registers a registry once constructed. */
  static final class CreatedAdvice {
    private CreatedAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object registry) {
      AgentBridge.sessionRegistryCreated(registry);
    }
  }

  /** Updates the count after an open or close. */
  static final class ChangedAdvice {
    private ChangedAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object registry) {
      AgentBridge.sessionRegistryChanged(registry);
    }
  }

  /** Makes a registry known from its use. */
  static final class UsedAdvice {
    private UsedAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object registry) {
      AgentBridge.sessionRegistryUsed(registry);
    }
  }
}
