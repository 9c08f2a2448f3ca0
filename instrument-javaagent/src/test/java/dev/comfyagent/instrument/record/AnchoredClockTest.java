package dev.comfyagent.instrument.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AnchoredClockTest {

  private static final long MS = 1_000_000L;
  private static final long EPOCH_2026 = 1_796_000_000_000L * MS;

  private final AtomicLong nanos = new AtomicLong(5_000 * MS);
  private final AtomicLong wall = new AtomicLong(EPOCH_2026);
  private final AnchoredClock clock = new AnchoredClock(nanos::get, wall::get);

  /** Both clocks move on together by {@code millis}, as when neither drifts. */
  private void pass(long millis) {
    nanos.addAndGet(millis * MS);
    wall.addAndGet(millis * MS);
  }

  @Test
  void theSystemClockDerivesTimesWithinAMillisecondOfCurrentTimeMillis() {
    for (int i = 0; i < 1_000; i++) {
      long before = System.currentTimeMillis();
      long derived = AnchoredClock.SYSTEM.epochMillis(System.nanoTime());
      long after = System.currentTimeMillis();
      assertThat(derived).isBetween(before - 1, after + 1);
    }
  }

  @Test
  void aReadingIsTheAnchorsWallClockPlusTheNanoTimeThatPassedSince() {
    long start = nanos.get();
    pass(1_234);

    assertThat(clock.epochMillis(start)).isEqualTo(EPOCH_2026 / MS);
    assertThat(clock.epochMillis(start + 1_234 * MS + 999_999)).isEqualTo(EPOCH_2026 / MS + 1_234);
    assertThat(clock.epochMillis(start - 1)).isEqualTo(EPOCH_2026 / MS - 1);
  }

  @Test
  void checksAtMostOncePerIntervalAndKeepsTheAnchorWhileTheClocksAgree() {
    long start = nanos.get();
    pass(AnchoredClock.CHECK_INTERVAL_MILLIS - 1);
    wall.addAndGet(50 * MS);
    clock.reanchorIfDue();
    assertThat(clock.epochMillis(nanos.get())).as("not due yet").isEqualTo(wall.get() / MS - 50);

    wall.addAndGet(-50 * MS + AnchoredClock.TOLERANCE_MICROS * 1_000 - 1);
    assertThat(clock.reanchor()).as("within tolerance").isFalse();
    assertThat(clock.epochMillis(start)).isEqualTo(EPOCH_2026 / MS);
  }

  @Test
  void aSystemClockThatRanAheadIsFollowedAtTheNextCheck() {
    long start = nanos.get();
    pass(AnchoredClock.CHECK_INTERVAL_MILLIS);
    wall.addAndGet(3 * MS);
    long beforeCheck = nanos.get() - 1;

    clock.reanchorIfDue();

    assertThat(clock.epochMillis(nanos.get())).isEqualTo(wall.get() / MS);
    assertThat(clock.epochMillis(nanos.get() + 10 * MS)).isEqualTo(wall.get() / MS + 10);
    assertThat(clock.epochMillis(start))
        .as("readings before the anchor keep their time")
        .isEqualTo(EPOCH_2026 / MS);
    assertThat(clock.epochMillis(beforeCheck))
        .isEqualTo((EPOCH_2026 + AnchoredClock.CHECK_INTERVAL_MILLIS * MS - 1) / MS);
  }

  @Test
  void aSystemClockFoundBehindHoldsStampsStillUntilItCatchesUpAndNeverStepsBack() {
    pass(AnchoredClock.CHECK_INTERVAL_MILLIS);
    wall.addAndGet(-3 * MS);
    long check = nanos.get();
    long derivedAtCheck = clock.epochMillis(check);

    assertThat(clock.reanchor()).isTrue();

    long previous = Long.MIN_VALUE;
    for (long t = check - 5 * MS; t <= check + 10 * MS; t += 100_000) {
      long stamp = clock.epochMillis(t);
      assertThat(stamp).as("monotonic at %d", t).isGreaterThanOrEqualTo(previous);
      previous = stamp;
    }
    assertThat(clock.epochMillis(check + 2 * MS)).as("held").isEqualTo(derivedAtCheck);
    assertThat(clock.epochMillis(check + 10 * MS))
        .as("the system clock's time once it passed the hold")
        .isEqualTo(wall.get() / MS + 10);
  }

  @Test
  void staysMonotonicOverManyDriftingChecks() {
    long previous = Long.MIN_VALUE;
    for (int i = 0; i < 200; i++) {
      // NTP slews by up to 0.5 ms per second, either way
      nanos.addAndGet(AnchoredClock.CHECK_INTERVAL_MILLIS * MS);
      wall.addAndGet(AnchoredClock.CHECK_INTERVAL_MILLIS * MS + (i % 7 < 3 ? 500_000 : -500_000));
      long readBefore = nanos.get() - 1;
      long stampBefore = clock.epochMillis(readBefore);
      clock.reanchorIfDue();
      assertThat(clock.epochMillis(readBefore)).isEqualTo(stampBefore);
      long stamp = clock.epochMillis(nanos.get());
      assertThat(stamp).isGreaterThanOrEqualTo(Math.max(previous, stampBefore));
      assertThat(Math.abs(stamp * MS - wall.get())).isLessThanOrEqualTo(MS);
      previous = stamp;
    }
  }

  @Test
  void aSystemClockSetBackByMoreThanTheJumpIsFollowedBack() {
    pass(AnchoredClock.CHECK_INTERVAL_MILLIS);
    wall.addAndGet(-3_600_000 * MS);

    assertThat(clock.reanchor()).isTrue();

    assertThat(clock.epochMillis(nanos.get())).isEqualTo(wall.get() / MS);
    assertThat(clock.epochMillis(nanos.get() + 7 * MS)).isEqualTo(wall.get() / MS + 7);
  }
}
