package dev.comfyagent.instrument.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SizeMethodTest {

  /** A public class with size methods of every accepted kind. */
  public static final class Sizes {
    public int count() {
      return 3;
    }

    public long bytes() {
      return 5_000_000_000L;
    }

    public Integer boxed() {
      return 7;
    }

    public short small() {
      return 2;
    }

    public List<String> names() {
      return List.of("a", "b");
    }

    public Map<String, Integer> index() {
      return Map.of("a", 1);
    }

    public Set<String> nothing() {
      return null;
    }

    public String text() {
      return "x";
    }

    public static int total() {
      return 1;
    }

    public int explode() {
      throw new IllegalStateException("boom");
    }

    int hidden() {
      return 11;
    }
  }

  /** A package-private class: reached through reflection, its package being open to the agent. */
  static final class Hidden {
    public int size() {
      return 4;
    }
  }

  @ParameterizedTest
  @CsvSource({
    "count, 3",
    "bytes, 5000000000",
    "boxed, 7",
    "small, 2",
    "names, 2",
    "index, 1",
    "nothing, 0",
    "hidden, 11"
  })
  void readsNumbersAndTheSizesOfCollectionsAndMaps(String method, long expected) throws Throwable {
    assertThat(SizeMethod.find(Sizes.class, method).read(new Sizes())).isEqualTo(expected);
  }

  @Test
  void aNonPublicClassOnTheClassPathIsReadThroughReflection() throws Throwable {
    assertThat(SizeMethod.find(Hidden.class, "size").read(new Hidden())).isEqualTo(4);
  }

  @Test
  void aMissingMethodIsNamed() {
    assertThatThrownBy(() -> SizeMethod.find(Sizes.class, "absent"))
        .hasMessage("class " + Sizes.class.getName() + " has no no-argument method absent()");
  }

  @Test
  void aMethodReturningSomethingElseIsRefusedSayingWhat() {
    assertThatThrownBy(() -> SizeMethod.find(Sizes.class, "text"))
        .hasMessageEndingWith(
            "#text returns java.lang.String, not a number, a Collection or a Map");
  }

  @Test
  void aStaticMethodIsRefused() {
    assertThatThrownBy(() -> SizeMethod.find(Sizes.class, "total"))
        .hasMessageEndingWith("#total is static; a probe reads an instance method");
  }

  @Test
  void whatTheMethodThrowsReachesTheCaller() {
    assertThatThrownBy(() -> SizeMethod.find(Sizes.class, "explode").read(new Sizes()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("boom");
  }
}
