package dev.comfyagent.instrument.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BoardsTest {

  @Test
  void breakerTransitionsAreListedOncePerLineAndCountedSinceStart() {
    CircuitBreakerBoard board = new CircuitBreakerBoard();
    Object breaker = new Object();
    board.created("comfyui", breaker, "CLOSED");
    board.transition("comfyui", breaker, "CLOSED", "OPEN", 1000);
    board.transition("comfyui", breaker, "OPEN", "HALF_OPEN", 2000);
    assertThat(board.drainTransitions())
        .containsExactly(
            new CircuitBreakerBoard.Transition("comfyui", "CLOSED", "OPEN", 1000),
            new CircuitBreakerBoard.Transition("comfyui", "OPEN", "HALF_OPEN", 2000));
    assertThat(board.drainTransitions()).isEmpty();
    assertThat(board.current(b -> null))
        .containsEntry(
            "comfyui", new CircuitBreakerBoard.BreakerFigures("comfyui", "HALF_OPEN", 2));
    assertThat(board.current(b -> "OPEN").get("comfyui").state()).isEqualTo("OPEN");
  }

  @Test
  void transitionsPastTheListBoundAreCountedNotListed() {
    CircuitBreakerBoard board = new CircuitBreakerBoard();
    for (int i = 0; i < CircuitBreakerBoard.MAX_PENDING + 5; i++) {
      board.transition(null, null, "CLOSED", "OPEN", i);
    }
    assertThat(board.drainTransitions()).hasSize(CircuitBreakerBoard.MAX_PENDING);
    assertThat(board.unlistedTransitions()).isEqualTo(5);
    assertThat(board.current(b -> null)).containsKey("unnamed");
  }

  @Test
  void limiterCountsSplitIntoIntervalAndTotal() {
    RateLimiterBoard board = new RateLimiterBoard();
    board.created("comfyui");
    board.permission("comfyui", true);
    board.permission("comfyui", false);
    assertThat(board.sinceLastLine(true).get("comfyui"))
        .isEqualTo(new RateLimiterBoard.LimiterFigures("comfyui", 1, 1));
    board.permission("comfyui", false);
    assertThat(board.sinceLastLine(true).get("comfyui").rejected()).isEqualTo(1);
    assertThat(board.total().get("comfyui"))
        .isEqualTo(new RateLimiterBoard.LimiterFigures("comfyui", 1, 2));
  }

  @Test
  void sessionGaugeReadsLiveRegistriesAndKeepsThePeak() {
    Map<Object, Integer> sizes = new HashMap<>();
    SessionGauge gauge = new SessionGauge(r -> sizes.getOrDefault(r, -1));
    assertThat(gauge.observed()).isFalse();
    Object registry = new Object();
    sizes.put(registry, 0);
    gauge.registryCreated(registry);
    sizes.put(registry, 3);
    gauge.changed(registry);
    sizes.put(registry, 1);
    gauge.changed(registry);
    assertThat(gauge.active()).isEqualTo(1);
    assertThat(gauge.peakSinceLastLine(true)).isEqualTo(3);
    assertThat(gauge.peakSinceLastLine(true)).isEqualTo(1);
    Object unseen = new Object();
    sizes.put(unseen, 2);
    gauge.changed(unseen);
    assertThat(gauge.active()).isEqualTo(3);
  }
}
