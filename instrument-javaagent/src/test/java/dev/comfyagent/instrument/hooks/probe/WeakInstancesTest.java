package dev.comfyagent.instrument.hooks.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WeakInstancesTest {

  @Test
  void instancesAreComparedByIdentityNotByTheirEquals() {
    WeakInstances set = new WeakInstances(10);
    List<String> a = new ArrayList<>();
    List<String> b = new ArrayList<>();
    assertThat(a).isEqualTo(b);

    assertThat(set.add(a)).isTrue();
    assertThat(set.add(b)).isTrue();
    assertThat(set.add(a)).isFalse();
    assertThat(set.add(b)).isFalse();
    assertThat(set.live()).hasSize(2).anySatisfy(x -> assertThat(x).isSameAs(a));
  }

  @Test
  void anInstanceNobodyHoldsLeavesTheSetOnceCollected() throws InterruptedException {
    WeakInstances set = new WeakInstances(10);
    Object kept = new Object();
    set.add(kept);
    set.add(new Object());
    set.add(new Object()); // the last one added is remembered weakly too
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (set.live().size() > 1 && System.nanoTime() < deadline) {
      System.gc();
      Thread.sleep(10);
    }
    assertThat(set.live()).containsExactly(kept);
  }

  @Test
  void pastItsCapacityFurtherInstancesAreNotAddedAndThatIsSaid() {
    WeakInstances set = new WeakInstances(2);
    Object one = new Object();
    Object two = new Object();
    Object three = new Object();
    set.add(one);
    set.add(two);
    assertThat(set.overflowed()).isFalse();
    assertThat(set.add(three)).isFalse();
    assertThat(set.overflowed()).isTrue();
    assertThat(set.live()).containsExactlyInAnyOrder(one, two);
  }
}
