package dev.comfyagent.instrument.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class WeakIdentityHandoffTest {

  @Test
  void aValueIsKeyedByItsKeysIdentityNotByEqualityAndIsTakenOnce() {
    WeakIdentityHandoff<String> handoff = new WeakIdentityHandoff<>(16);
    String a = new String("same");
    String b = new String("same");
    handoff.put(a, "for a");
    assertThat(handoff.take(b)).isNull();
    assertThat(handoff.take(a)).isEqualTo("for a");
    assertThat(handoff.take(a)).isNull();
    assertThat(handoff.size()).isZero();
  }

  @Test
  void aPutForAKeyThatHoldsAValueReplacesIt() {
    WeakIdentityHandoff<String> handoff = new WeakIdentityHandoff<>(16);
    Object key = new Object();
    handoff.put(key, "first");
    handoff.put(key, "second");
    assertThat(handoff.size()).isEqualTo(1);
    assertThat(handoff.take(key)).isEqualTo("second");
    assertThat(handoff.take(key)).isNull();
  }

  @Test
  void aFloodOfPutsWhoseTakersNeverComeHoldsNoMoreThanItsCapacity() {
    WeakIdentityHandoff<Integer> handoff = new WeakIdentityHandoff<>(1024);
    List<Object> keys = new ArrayList<>(); // all kept alive: none can be forgotten with its key
    for (int i = 0; i < 10_000; i++) {
      Object key = new Object();
      keys.add(key);
      handoff.put(key, i);
    }
    assertThat(handoff.capacity()).isEqualTo(1024);
    assertThat(handoff.size()).isLessThanOrEqualTo(1024).isGreaterThan(1024 / 2);
    // The newest value always has its place: a full window drops an older one, not it.
    assertThat(handoff.take(keys.get(keys.size() - 1))).isEqualTo(9_999);
  }

  @Test
  void theCapacityIsRoundedUpToAPowerOfTwoOfAtLeastTheProbes() {
    assertThat(new WeakIdentityHandoff<>(1).capacity()).isEqualTo(WeakIdentityHandoff.PROBES);
    assertThat(new WeakIdentityHandoff<>(1000).capacity()).isEqualTo(1024);
    assertThat(new WeakIdentityHandoff<>(1024).capacity()).isEqualTo(1024);
  }

  @Test
  void theHandoffNeverKeepsAKeyAlive() throws InterruptedException {
    WeakIdentityHandoff<String> handoff = new WeakIdentityHandoff<>(16);
    WeakReference<Object> key = putAndForget(handoff);
    collect(key);
    assertThat(key.get()).as("the key, held only by the handoff").isNull();
    assertThat(handoff.size()).isZero();
  }

  @Test
  void placesWhoseKeysWereCollectedAreUsedAgain() throws InterruptedException {
    // Four places and four probes: every key may wait in every place.
    WeakIdentityHandoff<String> handoff = new WeakIdentityHandoff<>(4);
    List<WeakReference<Object>> gone = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      gone.add(putAndForget(handoff));
    }
    for (WeakReference<Object> key : gone) {
      collect(key);
    }
    Object[] live = {new Object(), new Object(), new Object(), new Object()};
    for (int i = 0; i < live.length; i++) {
      handoff.put(live[i], "value " + i);
    }
    // Had a collected key's place stayed taken, a full window would have dropped a live value.
    for (int i = 0; i < live.length; i++) {
      assertThat(handoff.take(live[i])).isEqualTo("value " + i);
    }
  }

  @Test
  void everyValuePutOnOneThreadIsTakenOnAnotherWhileFewWait() throws Exception {
    WeakIdentityHandoff<Integer> handoff = new WeakIdentityHandoff<>(1024);
    // At most three keys wait at once, so a free place is always among a key's four.
    BlockingQueue<Object> announced = new ArrayBlockingQueue<>(1);
    int calls = 100_000;
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread taker =
        new Thread(
            () -> {
              try {
                for (int i = 0; i < calls; i++) {
                  Object key = announced.poll(10, TimeUnit.SECONDS);
                  Integer value = handoff.take(key);
                  if (value == null || value != i) {
                    throw new AssertionError("call " + i + " took " + value);
                  }
                }
              } catch (Throwable e) {
                failure.set(e);
              }
            });
    taker.start();
    for (int i = 0; i < calls && failure.get() == null; i++) {
      Object key = new Object();
      handoff.put(key, i);
      while (!announced.offer(key, 100, TimeUnit.MILLISECONDS) && failure.get() == null) {
        // the taker is behind: wait for it
      }
    }
    taker.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(failure.get()).isNull();
    assertThat(handoff.size()).isZero();
  }

  private static WeakReference<Object> putAndForget(WeakIdentityHandoff<String> handoff) {
    Object key = new Object();
    handoff.put(key, "value");
    return new WeakReference<>(key);
  }

  private static void collect(WeakReference<Object> reference) throws InterruptedException {
    for (int i = 0; i < 100 && reference.get() != null; i++) {
      System.gc();
      Thread.sleep(10);
    }
  }
}
