package dev.comfyagent.instrument.weave;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.comfyagent.instrument.bootstrap.AgentBridge;
import net.bytebuddy.asm.Advice;

/**
 * Why: a circuit breaker opening is the first sign that ComfyUI (or any dependency a Resilience4j
 * user protects) is failing; any Resilience4j user gets its state and transitions.
 *
 * <p>Where: {@code CircuitBreakerStateMachine}, Resilience4j's only breaker: its constructors
 * (registered with the initial state) and {@code publishStateTransitionEvent(StateTransition)},
 * which every state change passes, whether or not anyone listens for events (Resilience4j 1.x and
 * 2.x). Internal self-transitions such as {@code CLOSED_TO_CLOSED} are ignored.
 */
public final class CircuitBreakerWeave implements WeaveTarget {

  static final String STATE_MACHINE =
      "io.github.resilience4j.circuitbreaker.internal.CircuitBreakerStateMachine";

  @Override
  public String name() {
    return "resilience4j circuit breaker";
  }

  @Override
  public WeaveRules weave(WeaveRules rules, AdviceTransformer advice) {
    return rules
        .classes(STATE_MACHINE)
        .transform(
            advice
                .advice(isConstructor(), CreatedAdvice.class.getName())
                .advice(
                    named("publishStateTransitionEvent").and(takesArguments(1)),
                    TransitionAdvice.class.getName()));
  }

  /** Registers a breaker once constructed. */
  static final class CreatedAdvice {
    private CreatedAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object breaker) {
      AgentBridge.circuitBreakerCreated(breaker);
    }
  }

  /** Records a transition. */
  static final class TransitionAdvice {
    private TransitionAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object breaker, @Advice.Argument(0) Object transition) {
      AgentBridge.circuitBreakerTransition(breaker, transition);
    }
  }
}
