package dev.comfyagent.instrument.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SessionGaugeTest {

  /** A stand-in registry: its size is set by the test, and every read of it is counted. */
  static final class Registry {
    int size;
  }

  private final AtomicInteger sizeReads = new AtomicInteger();
  private final SessionGauge gauge =
      new SessionGauge(
          source -> {
            sizeReads.incrementAndGet();
            return source instanceof Registry registry ? registry.size : -1;
          });

  @Test
  void aChangeInTheOnlyRegistryReadsItsSizeOnceAndKeepsThePeak() {
    Registry registry = new Registry();
    gauge.registryCreated(registry);
    registry.size = 2;
    gauge.changed(registry);
    registry.size = 1;
    sizeReads.set(0);
    gauge.changed(registry);

    assertThat(sizeReads).as("size() reads for one change").hasValue(1);
    assertThat(gauge.active()).isEqualTo(1);
    assertThat(gauge.peakSinceLastLine(true)).as("the peak since the last line").isEqualTo(2);
    assertThat(gauge.peakSinceLastLine(false)).as("a new line starts at the count").isEqualTo(1);
  }

  @Test
  void aUseOfAKnownRegistryReadsNothing() {
    Registry registry = new Registry();
    gauge.registryCreated(registry);
    registry.size = 1;
    sizeReads.set(0);

    gauge.used(registry);

    assertThat(sizeReads).as("size() reads for a use").hasValue(0);
  }

  @Test
  void aRegistryFirstSeenThroughAUseIsRegisteredAndItsSessionsCounted() {
    Registry known = new Registry();
    Registry builtBeforeTheAttach = new Registry();
    gauge.registryCreated(known);
    known.size = 1;
    builtBeforeTheAttach.size = 2;

    gauge.used(builtBeforeTheAttach);
    builtBeforeTheAttach.size = 1;

    assertThat(gauge.active()).isEqualTo(2);
    assertThat(gauge.peakSinceLastLine(false)).isEqualTo(3);
  }

  @Test
  void twoThreadsFirstUsingTheSameRegistryCountItOnce() throws Exception {
    for (int round = 0; round < 2_000; round++) {
      SessionGauge fresh = new SessionGauge(source -> ((Registry) source).size);
      Registry registry = new Registry();
      registry.size = 1;
      java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
      Runnable firstUse =
          () -> {
            try {
              start.await();
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
            fresh.used(registry);
          };
      Thread other = new Thread(firstUse);
      other.start();
      firstUse.run();
      other.join();
      assertThat(fresh.active()).as("sessions after round %d", round).isEqualTo(1);
    }
  }

  @Test
  void aRegistryFirstSeenThroughAChangeIsCountedWithTheOthers() {
    Registry first = new Registry();
    Registry second = new Registry();
    gauge.registryCreated(first);
    first.size = 1;
    second.size = 3;

    gauge.changed(second);

    assertThat(gauge.active()).isEqualTo(4);
    assertThat(gauge.peakSinceLastLine(false)).isEqualTo(4);
  }

  @Test
  void aChangeInARegistryNeverSeenBeforeRegistersIt() {
    Registry registry = new Registry();
    registry.size = 1;

    gauge.changed(registry);

    assertThat(gauge.observed()).isTrue();
    assertThat(gauge.active()).isEqualTo(1);
    assertThat(gauge.peakSinceLastLine(false)).isEqualTo(1);
  }

  @Test
  void concurrentChangesNeverLowerThePeak() throws InterruptedException {
    Registry registry = new Registry();
    gauge.registryCreated(registry);
    registry.size = 5;
    gauge.changed(registry);
    registry.size = 0;
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread thread =
          new Thread(
              () -> {
                for (int i = 0; i < 10_000; i++) {
                  gauge.changed(registry);
                }
              });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(gauge.peakSinceLastLine(false)).isEqualTo(5);
  }
}
