package dev.comfyagent.instrument.weave;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isPrivate;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.not;

import dev.comfyagent.instrument.bootstrap.AgentBridge;
import java.util.Set;
import java.util.TreeSet;
import net.bytebuddy.asm.Advice;

/**
 * Why: memory probes read a size from live instances of classes the agent does not own (the
 * runtime's node catalog, session registry, undo histories), and the host never hands those
 * instances out. Seeing each instance as its constructor completes finds them without a change to
 * the host; the listener holds them weakly.
 *
 * <p>Where: every constructor of the named classes (exact names, not subclasses), after it returns
 * normally. When the agent is attached to a running JVM, instances built before it arrived are
 * found at their next public instance method call, so that option also weaves those methods' entry
 * (a cheap check, paid only after a late attach).
 */
public final class InstanceCaptureWeave implements WeaveTarget {

  private final Set<String> classNames;
  private final boolean captureOnUse;

  /**
   * @param classNames the classes whose instances to see
   * @param captureOnUse whether instance methods that are not private also report their instance
   *     (late attach)
   */
  public InstanceCaptureWeave(Set<String> classNames, boolean captureOnUse) {
    this.classNames = new TreeSet<>(classNames);
    this.captureOnUse = captureOnUse;
  }

  @Override
  public String name() {
    return "instances of " + classNames;
  }

  @Override
  public WeaveRules weave(WeaveRules rules, AdviceTransformer advice) {
    if (classNames.isEmpty()) {
      return rules;
    }
    AdviceTransformer transformer =
        advice.advice(isConstructor(), ConstructedAdvice.class.getName());
    if (captureOnUse) {
      transformer =
          transformer.advice(
              // Not only public ones: a class may be used through package-private methods alone
              // (the runtime's undo history is changed by its workflow state that way).
              not(isPrivate()).and(not(isStatic())).and(not(isConstructor())),
              UsedAdvice.class.getName());
    }
    return rules.classes(classNames.toArray(new String[0])).transform(transformer);
  }

  /** Reports an instance once its constructor returned. */
  static final class ConstructedAdvice {
    private ConstructedAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.Origin Class<?> type, @Advice.This Object instance) {
      AgentBridge.instanceSeen(type, instance);
    }
  }

  /** Reports an instance when one of its public methods is called (late attach only). */
  static final class UsedAdvice {
    private UsedAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Origin Class<?> type, @Advice.This Object instance) {
      AgentBridge.instanceSeen(type, instance);
    }
  }
}
