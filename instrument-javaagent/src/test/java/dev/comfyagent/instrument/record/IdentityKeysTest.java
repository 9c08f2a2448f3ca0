package dev.comfyagent.instrument.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ref.ReferenceQueue;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IdentityKeysTest {

  /** Equal to every other instance and with one hash for all: identity keys must not care. */
  static final class EqualToAll {
    @Override
    public boolean equals(Object other) {
      return other instanceof EqualToAll;
    }

    @Override
    public int hashCode() {
      return 1;
    }
  }

  private final ReferenceQueue<Object> queue = new ReferenceQueue<>();

  @Test
  void theStoredAndTheLookupFormOfOneObjectAreEqual() {
    Object request = new EqualToAll();
    IdentityKeys.Key stored = IdentityKeys.weak(request, queue);
    IdentityKeys.Key lookup = IdentityKeys.lookup(request);

    assertThat(stored).isEqualTo(lookup).hasSameHashCodeAs(lookup);
    assertThat(lookup).isEqualTo(stored);
    assertThat(stored.referent()).isSameAs(request);
  }

  @Test
  void objectsEqualByTheirOwnEqualsAreDifferentKeys() {
    Object first = new EqualToAll();
    Object second = new EqualToAll();
    Map<IdentityKeys.Key, String> map = new HashMap<>();
    map.put(IdentityKeys.weak(first, queue), "first");
    map.put(IdentityKeys.weak(second, queue), "second");

    assertThat(map).hasSize(2);
    assertThat(map.get(IdentityKeys.lookup(first))).isEqualTo("first");
    assertThat(map.get(IdentityKeys.lookup(second))).isEqualTo("second");
    assertThat(map.get(IdentityKeys.lookup(new EqualToAll()))).isNull();
  }

  @Test
  void aClearedKeyStillRemovesItselfAndEqualsNothingElse() {
    Object request = new EqualToAll();
    IdentityKeys.Key stored = IdentityKeys.weak(request, queue);
    Map<IdentityKeys.Key, String> map = new HashMap<>();
    map.put(stored, "value");

    ((java.lang.ref.Reference<?>) stored).clear();

    assertThat(stored.referent()).isNull();
    assertThat(stored).isNotEqualTo(IdentityKeys.lookup(request));
    assertThat(map.remove(stored)).isEqualTo("value");
  }
}
