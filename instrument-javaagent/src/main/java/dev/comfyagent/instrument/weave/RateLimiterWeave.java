package dev.comfyagent.instrument.weave;

import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.comfyagent.instrument.bootstrap.AgentBridge;
import net.bytebuddy.asm.Advice;

/**
 * Why: a rate limiter refusing permission means requests to ComfyUI were held back; operators see
 * how often, per limiter.
 *
 * <p>Where: the implementations of {@code io.github.resilience4j.ratelimiter.RateLimiter} in
 * Resilience4j's own package ({@code AtomicRateLimiter}, {@code SemaphoreBasedRateLimiter}): their
 * constructors, {@code acquirePermission(int)} (refused when it returns {@code false}) and {@code
 * reservePermission(int)} (refused when it returns a negative wait). The interface's no-argument
 * defaults delegate to these, so each request is counted once.
 */
public final class RateLimiterWeave implements WeaveTarget {

  static final String RATE_LIMITER = "io.github.resilience4j.ratelimiter.RateLimiter";

  /** Where Resilience4j's rate limiter implementations live. */
  static final String RATE_LIMITER_PACKAGE = "io.github.resilience4j.ratelimiter.";

  @Override
  public String name() {
    return "resilience4j rate limiter";
  }

  @Override
  public WeaveRules weave(WeaveRules rules, AdviceTransformer advice) {
    return rules
        .classesUnder(RATE_LIMITER_PACKAGE)
        .that(not(isInterface()).and(hasSuperType(named(RATE_LIMITER))))
        .transform(
            advice
                .advice(isConstructor(), CreatedAdvice.class.getName())
                .advice(
                    named("acquirePermission")
                        .and(takesArguments(int.class))
                        .and(returns(boolean.class))
                        .and(not(isAbstract())),
                    AcquireAdvice.class.getName())
                .advice(
                    named("reservePermission")
                        .and(takesArguments(int.class))
                        .and(returns(long.class))
                        .and(not(isAbstract())),
                    ReserveAdvice.class.getName()));
  }

  /** Registers a limiter once constructed. */
  static final class CreatedAdvice {
    private CreatedAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object limiter) {
      AgentBridge.rateLimiterCreated(limiter);
    }
  }

  /** Counts the outcome of {@code acquirePermission}. */
  static final class AcquireAdvice {
    private AcquireAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object limiter, @Advice.Return boolean permitted) {
      AgentBridge.rateLimiterPermission(limiter, permitted);
    }
  }

  /** Counts the outcome of {@code reservePermission}. */
  static final class ReserveAdvice {
    private ReserveAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object limiter, @Advice.Return long nanosToWait) {
      AgentBridge.rateLimiterPermission(limiter, nanosToWait >= 0);
    }
  }
}
