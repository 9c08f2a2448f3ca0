package dev.comfyagent.instrument.hooks.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MemoryProbesTest {

  /** A probed class. */
  public static final class Cache {
    private final int size;

    public Cache(int size) {
      this.size = size;
    }

    public int size() {
      return size;
    }

    public int broken() {
      throw new IllegalStateException("cache is closed");
    }
  }

  private final List<String> notices = new ArrayList<>();

  @Test
  void aProbesValueIsTheSumOverItsLiveInstancesWithTheirCountAndLargest() {
    MemoryProbes probes = probes(new ProbeSpec("cache", Cache.class.getName(), "size", false));
    Cache a = new Cache(3);
    Cache b = new Cache(5);
    probes.seen(Cache.class, a);
    probes.seen(Cache.class, b);
    probes.seen(Cache.class, a); // a constructor delegating with this(...) reports twice

    assertThat(probe(probes, "cache"))
        .containsEntry("value", 8L)
        .containsEntry("instances", 2)
        .containsEntry("max", 5L);
    assertThat(notices).isEmpty();
    assertThat(probes.classNames()).containsExactly(Cache.class.getName());
  }

  @Test
  void theHeapInUseAndItsMaximumAreReported() {
    Map<String, ?> figures = probes().figures(true);
    assertThat((Long) figures.get("heap_used_bytes")).isPositive();
    assertThat((Long) figures.get("heap_max_bytes"))
        .isGreaterThanOrEqualTo((Long) figures.get("heap_used_bytes"));
    assertThat(probes().name()).isEqualTo("memory");
  }

  @Test
  void aBuiltInProbeNeverSeenIsNotListedButAUserProbeIsAsWaiting() {
    MemoryProbes probes =
        probes(
            new ProbeSpec(
                "node_catalog", "dev.comfyagent.runtime.discover.NodeCatalog", "size", true),
            new ProbeSpec("mine", Cache.class.getName(), "size", false));
    Map<?, ?> all = (Map<?, ?>) probes.figures(false).get("probes");
    assertThat(all.containsKey("node_catalog")).isFalse();
    assertThat(probe(probes, "mine")).containsEntry("instances", 0).containsEntry("value", null);
  }

  @Test
  void aProbeWithoutItsMethodIsReportedOnceAndSkipped() {
    MemoryProbes probes = probes(new ProbeSpec("cache", Cache.class.getName(), "length", false));
    probes.seen(Cache.class, new Cache(1));
    probes.seen(Cache.class, new Cache(2));

    assertThat(probe(probes, "cache"))
        .containsOnlyKeys("skipped")
        .containsEntry(
            "skipped", "class " + Cache.class.getName() + " has no no-argument method length()");
    assertThat(notices)
        .containsExactly(
            "probe cache ("
                + Cache.class.getName()
                + "#length) is skipped: class "
                + Cache.class.getName()
                + " has no no-argument method length()");
  }

  @Test
  void aUserProbeWhoseClassIsNotOnTheClassPathIsReportedOnceAndSkipped() {
    MemoryProbes probes =
        probes(
            new ProbeSpec("ghost", "com.acme.NoSuchCache", "size", false),
            new ProbeSpec("present", Cache.class.getName(), "size", false),
            new ProbeSpec("profile", "dev.comfyagent.runtime.Absent", "size", true));
    probes.checkClassPath(getClass().getClassLoader());

    assertThat(notices)
        .containsExactly(
            "probe ghost (com.acme.NoSuchCache#size) is skipped: class com.acme.NoSuchCache is not"
                + " on the application class path (no instance seen)");
    assertThat(probe(probes, "ghost")).containsKey("skipped");
    assertThat(probe(probes, "present")).doesNotContainKey("skipped");
  }

  @Test
  void aSizeMethodThatThrowsLeavesThatInstanceOutAndIsReportedOnce() {
    MemoryProbes probes = probes(new ProbeSpec("cache", Cache.class.getName(), "broken", false));
    probes.seen(Cache.class, new Cache(1));

    assertThat(probe(probes, "cache"))
        .containsEntry("value", null)
        .containsEntry("read_errors", 1L);
    assertThat(probe(probes, "cache")).containsEntry("read_errors", 2L);
    assertThat(notices).hasSize(1);
    assertThat(notices.get(0)).contains("threw java.lang.IllegalStateException: cache is closed");
  }

  @Test
  void instancesOfClassesNoProbeNamesAreIgnored() {
    MemoryProbes probes = probes(new ProbeSpec("cache", Cache.class.getName(), "size", false));
    probes.seen(String.class, "not a cache");
    assertThat(probe(probes, "cache")).containsEntry("instances", 0);
  }

  private MemoryProbes probes(ProbeSpec... specs) {
    return new MemoryProbes(List.of(specs), notices::add);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> probe(MemoryProbes probes, String name) {
    return (Map<String, Object>) ((Map<?, ?>) probes.figures(true).get("probes")).get(name);
  }
}
