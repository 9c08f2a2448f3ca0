package dev.comfyagent.runtime.comfy;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every call of {@link HttpComfyUiClient} passes: a Resilience4j {@link RateLimiter}, then a
 * {@link CircuitBreaker}, both named {@value HttpComfyUiClient#RESILIENCE_NAME}; and the wording of
 * their refusals, which says what the breaker is doing and when it will try again.
 *
 * <p>The breaker counts outages only ({@link #isOutage}) and opens after {@link
 * ComfyUiSettings#breakerFailureThreshold()} of them in a row.
 *
 * <p>Usage: {@code T answer = guard.call("GET /queue", () -> exchange(...));}. Thread-safe.
 */
final class ComfyUiCallGuard {

  private static final Logger log = LoggerFactory.getLogger(HttpComfyUiClient.class);
  private static final Duration RATE_LIMIT_WAIT = Duration.ofMillis(500);

  private final ComfyUiSettings settings;
  private final String endpoint;
  private final CircuitBreaker breaker;
  private final RateLimiter limiter;
  private volatile Instant openedAt = Instant.EPOCH;
  private volatile String lastFailure = "no failure yet";

  ComfyUiCallGuard(
      ComfyUiSettings settings,
      String endpoint,
      CircuitBreakerRegistry breakers,
      RateLimiterRegistry limiters) {
    this.settings = settings;
    this.endpoint = endpoint;
    this.breaker =
        breakers.circuitBreaker(HttpComfyUiClient.RESILIENCE_NAME, breakerConfig(settings));
    this.limiter =
        limiters.rateLimiter(
            HttpComfyUiClient.RESILIENCE_NAME,
            RateLimiterConfig.custom()
                .limitForPeriod(Math.max(1, settings.requestsPerSecond()))
                .limitRefreshPeriod(Duration.ofSeconds(1))
                .timeoutDuration(RATE_LIMIT_WAIT)
                .build());
    breaker
        .getEventPublisher()
        .onStateTransition(
            event -> {
              if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                openedAt = Instant.now();
              }
              log.warn(
                  "ComfyUI circuit breaker for {}: {} -> {} (last failure: {})",
                  endpoint,
                  event.getStateTransition().getFromState(),
                  event.getStateTransition().getToState(),
                  lastFailure);
            });
    limiter
        .getEventPublisher()
        .onFailure(
            event ->
                log.warn(
                    "ComfyUI rate limiter rejected a call to {} (limit {} per second)",
                    endpoint,
                    settings.requestsPerSecond()));
  }

  private static CircuitBreakerConfig breakerConfig(ComfyUiSettings settings) {
    int threshold = Math.max(1, settings.breakerFailureThreshold());
    return CircuitBreakerConfig.custom()
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        // A window as long as the threshold at 100 % failure rate opens after N failures in a row.
        .slidingWindowSize(threshold)
        .minimumNumberOfCalls(threshold)
        .failureRateThreshold(100f)
        .waitDurationInOpenState(settings.breakerOpenDuration())
        .permittedNumberOfCallsInHalfOpenState(1)
        .automaticTransitionFromOpenToHalfOpenEnabled(false)
        .recordException(ComfyUiCallGuard::isOutage)
        .build();
  }

  /**
   * Outages open the breaker: refused or timed-out connections, 5xx answers, malformed JSON (a 200
   * whose body cannot be read); answers (400 refusals, 404s) do not.
   */
  static boolean isOutage(Throwable error) {
    if (error instanceof ComfyUiUnavailableException) {
      return true;
    }
    if (error instanceof ComfyUiHttpException http) {
      return http.status() >= 500 || http.status() == 200;
    }
    return false;
  }

  CircuitBreaker breaker() {
    return breaker;
  }

  RateLimiter limiter() {
    return limiter;
  }

  /**
   * Runs a call through the rate limiter and the circuit breaker, and rewrites failures so their
   * messages carry the breaker's state after the failure was counted.
   */
  <T> T call(String what, Supplier<T> request) {
    Supplier<T> guarded =
        RateLimiter.decorateSupplier(limiter, CircuitBreaker.decorateSupplier(breaker, request));
    try {
      return guarded.get();
    } catch (RequestNotPermitted e) {
      throw new ComfyUiException(
          "too many calls to ComfyUI at "
              + endpoint
              + " (limit "
              + settings.requestsPerSecond()
              + " per second); "
              + what
              + " was not sent, try again in a moment");
    } catch (CallNotPermittedException e) {
      throw new ComfyUiUnavailableException(
          "ComfyUI at " + endpoint + " is not reachable; " + breakerStory() + ".", e);
    } catch (ComfyUiUnavailableException e) {
      lastFailure = e.getMessage();
      throw new ComfyUiUnavailableException(
          "ComfyUI at "
              + endpoint
              + " is not reachable ("
              + e.getMessage()
              + "); "
              + breakerStory()
              + ". Is ComfyUI running there? Check COMFYUI_HOST and COMFYUI_PORT.",
          e.getCause());
    } catch (PromptRejectedException e) {
      throw e;
    } catch (ComfyUiHttpException e) {
      if (isOutage(e)) {
        lastFailure = e.getMessage();
        if (breaker.getState() != CircuitBreaker.State.CLOSED) {
          throw new ComfyUiHttpException(e.status(), e.getMessage() + "; " + breakerStory());
        }
      }
      throw e;
    }
  }

  /** "circuit breaker OPEN after 3 failures in a row, next try in 27 s" and the like. */
  private String breakerStory() {
    CircuitBreaker.State state = breaker.getState();
    int threshold = Math.max(1, settings.breakerFailureThreshold());
    switch (state) {
      case OPEN -> {
        long left =
            Duration.between(Instant.now(), openedAt.plus(settings.breakerOpenDuration()))
                .toSeconds();
        String when = left > 0 ? "next try in " + left + " s" : "the next call will try again";
        return "circuit breaker OPEN after "
            + threshold
            + " failures in a row (last: "
            + lastFailure
            + "), calls are refused without trying; "
            + when;
      }
      case HALF_OPEN -> {
        return "circuit breaker HALF_OPEN: one trial call decides whether ComfyUI is back";
      }
      case CLOSED -> {
        int failed = breaker.getMetrics().getNumberOfFailedCalls();
        return "circuit breaker CLOSED ("
            + failed
            + " of "
            + threshold
            + " failures in a row before it opens)";
      }
      default -> {
        return "circuit breaker " + state;
      }
    }
  }
}
