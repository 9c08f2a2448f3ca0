package dev.comfyagent.instrument.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ToolStatsTest {

  private final ToolStatsRegistry registry = new ToolStatsRegistry(3);

  @Test
  void countsOkAndErrAndReportsPercentilesWithinHistogramPrecision() {
    ToolStats stats = registry.forName("load_workflow");
    for (int ms = 1; ms <= 100; ms++) {
      stats.record(TimeUnit.MILLISECONDS.toNanos(ms), ms % 10 != 0);
    }
    ToolFigures total = stats.total();
    assertThat(total.calls()).isEqualTo(100);
    assertThat(total.ok()).isEqualTo(90);
    assertThat(total.err()).isEqualTo(10);
    assertThat(total.p50Ms()).isCloseTo(50.0, within(0.5));
    assertThat(total.p95Ms()).isCloseTo(95.0, within(0.95));
    assertThat(total.p99Ms()).isCloseTo(99.0, within(0.99));
    assertThat(total.maxMs()).isCloseTo(100.0, within(1.0));
    assertThat(total.meanMs()).isCloseTo(50.5, within(0.5));
  }

  @Test
  void intervalFiguresStartAfreshAfterEachLineWhileTotalsKeepEverything() {
    ToolStats stats = registry.forName("patch");
    stats.record(1_000_000, true);
    stats.record(2_000_000, false);
    ToolFigures first = stats.sinceLastLine(true);
    stats.record(3_000_000, true);
    ToolFigures second = stats.sinceLastLine(true);
    ToolFigures third = stats.sinceLastLine(true);
    assertThat(first.calls()).isEqualTo(2);
    assertThat(second.calls()).isEqualTo(1);
    assertThat(second.p50Ms()).isCloseTo(3.0, within(0.03));
    assertThat(third.calls()).isZero();
    assertThat(third.timed()).isFalse();
    assertThat(stats.total().calls()).isEqualTo(3);
  }

  @Test
  void peekingDoesNotStartANewInterval() {
    ToolStats stats = registry.forName("peek");
    stats.record(1_000, true);
    assertThat(stats.sinceLastLine(false).calls()).isEqualTo(1);
    assertThat(stats.sinceLastLine(true).calls()).isEqualTo(1);
  }

  @Test
  void durationsBeyondOneHourAreRecordedAsOneHourAndNegativeAsZero() {
    ToolStats stats = registry.forName("render");
    stats.record(TimeUnit.HOURS.toNanos(5), true);
    stats.record(-5, true);
    ToolFigures total = stats.total();
    assertThat(total.maxMs()).isCloseTo(3_600_000.0, within(36_000.0));
    assertThat(total.calls()).isEqualTo(2);
  }

  @Test
  void namesPastTheBoundAreCountedUnderOther() {
    registry.forName("a");
    registry.forName("b");
    registry.forName("c");
    assertThat(registry.forName("d").name()).isEqualTo(ToolStatsRegistry.OVERFLOW);
    assertThat(registry.forName("a").name()).isEqualTo("a");
    assertThat(registry.forName(null).name()).isEqualTo(ToolStatsRegistry.OVERFLOW);
    assertThat(registry.find("d")).isEmpty();
    assertThat(registry.all()).extracting(ToolStats::name).containsExactly("_other", "a", "b", "c");
  }

  @Test
  void everyCallOfANamePastTheBoundIsCountedAsFolded() {
    registry.forName("a");
    registry.forName("b");
    registry.forName("c");
    assertThat(registry.folded()).isZero();
    registry.forName("d");
    registry.forName("e");
    registry.forName("a");
    registry.forName("d");
    assertThat(registry.folded()).isEqualTo(3);
    assertThat(registry.size()).isEqualTo(4);
    assertThat(registry.maxTools()).isEqualTo(3);
  }

  @Test
  void cumulativeBucketsCountTheCallsAtOrBelowEachBound() {
    ToolStats stats = registry.forName("buckets");
    long[] micros = {300, 700, 700, 4_000, 40_000, 2_500_000};
    for (int i = 0; i < micros.length; i++) {
      stats.record(micros[i] * 1000, i != 2);
    }
    long[] bounds = {500, 1_000, 5_000, 1_000_000, 1_800_000_000};
    long[] counts = new long[bounds.length];
    ToolStats.Cumulative cumulative = stats.cumulative(bounds, counts);
    assertThat(counts).containsExactly(1, 3, 4, 5, 6);
    assertThat(cumulative.ok()).isEqualTo(5);
    assertThat(cumulative.err()).isEqualTo(1);
    assertThat(cumulative.timed()).isEqualTo(6);
    assertThat(cumulative.sumMicros()).isCloseTo(2_545_700.0, within(25_457.0));
    assertThat(cumulative.minMicros()).isEqualTo(300);
    assertThat(cumulative.maxMicros()).isCloseTo(2_500_000L, within(25_000L));
    stats.record(100_000, true);
    stats.cumulative(bounds, counts);
    assertThat(counts).as("cumulative: nothing drops out").containsExactly(2, 4, 5, 6, 7);
  }

  @Test
  void concurrentRecordingLosesNothing() throws InterruptedException {
    ToolStats stats = new ToolStatsRegistry(10).forName("echo");
    Thread[] threads = new Thread[8];
    for (int t = 0; t < threads.length; t++) {
      threads[t] =
          new Thread(
              () -> {
                for (int i = 0; i < 20_000; i++) {
                  stats.record(i * 1000L, i % 7 != 0);
                }
              });
      threads[t].start();
    }
    long drainedWhileRunning = 0;
    for (Thread thread : threads) {
      drainedWhileRunning += stats.sinceLastLine(true).calls();
      thread.join();
    }
    drainedWhileRunning += stats.sinceLastLine(true).calls();
    assertThat(drainedWhileRunning).isEqualTo(160_000);
    assertThat(stats.total().calls()).isEqualTo(160_000);
  }

  @Test
  void everySnapshotTakenWhileCallsAreRecordedCountsWhatItsHistogramHolds() throws Exception {
    ToolStats stats = new ToolStatsRegistry(10).forName("echo");
    Histogram latencies =
        new Histogram(1, ToolStats.HIGHEST_TRACKABLE_MICROS, ToolStats.SIGNIFICANT_DIGITS);
    Thread[] threads = new Thread[4];
    for (int t = 0; t < threads.length; t++) {
      threads[t] =
          new Thread(
              () -> {
                for (int i = 0; i < 200_000; i++) {
                  stats.record(i * 1000L, i % 5 != 0);
                }
              });
      threads[t].start();
    }
    long ok = 0;
    long err = 0;
    int snapshots = 0;
    while (snapshots < 20 || Arrays.stream(threads).anyMatch(Thread::isAlive)) {
      ToolFigures interval = stats.snapshot(true, latencies).interval();
      assertThat(interval.calls())
          .as("snapshot %d: ok + err against the calls in its latency histogram", snapshots)
          .isEqualTo(latencies.getTotalCount());
      ok += interval.ok();
      err += interval.err();
      snapshots++;
    }
    for (Thread thread : threads) {
      thread.join();
    }
    ToolFigures last = stats.snapshot(true, latencies).interval();
    assertThat(last.calls()).isEqualTo(latencies.getTotalCount());
    assertThat(ok + last.ok()).isEqualTo(4 * 160_000);
    assertThat(err + last.err()).isEqualTo(4 * 40_000);
  }
}
