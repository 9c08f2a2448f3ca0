package dev.comfyagent.instrument.hooks.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProbeSpecTest {

  @Test
  void theBuiltInProfileNamesTheRuntimesPublishedSizeMethods() {
    assertThat(RuntimeProbeProfile.probes())
        .extracting(ProbeSpec::name, ProbeSpec::target)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "node_catalog", "dev.comfyagent.runtime.discover.NodeCatalog#size"),
            org.assertj.core.groups.Tuple.tuple(
                "model_lists", "dev.comfyagent.runtime.discover.ModelCatalog#size"),
            org.assertj.core.groups.Tuple.tuple(
                "discovery_cache", "dev.comfyagent.runtime.discover.ManagerNodeMap#size"),
            org.assertj.core.groups.Tuple.tuple(
                "session_registry", "dev.comfyagent.runtime.session.SessionRegistry#size"),
            org.assertj.core.groups.Tuple.tuple(
                "undo_history_depth", "dev.comfyagent.runtime.workflow.UndoHistory#depth"));
    assertThat(RuntimeProbeProfile.probes()).allMatch(ProbeSpec::builtIn);
  }

  @Test
  void optionsAddProbesAfterTheProfileReplaceOneOfTheSameNameAndTurnOneOff() {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("tiles", "com.acme.cache.TileCache#size()");
    options.put("node_catalog", "com.acme.Catalog#count");
    options.put("undo_history_depth", "OFF");
    List<ProbeSpec> probes = ProbeSpec.resolve(RuntimeProbeProfile.probes(), options);

    assertThat(probes)
        .extracting(ProbeSpec::name)
        .containsExactly(
            "node_catalog", "model_lists", "discovery_cache", "session_registry", "tiles");
    assertThat(probes.get(0))
        .isEqualTo(new ProbeSpec("node_catalog", "com.acme.Catalog", "count", false));
    assertThat(probes.get(4).methodName()).isEqualTo("size");
    assertThat(probes.get(4).className()).isEqualTo("com.acme.cache.TileCache");
  }

  @Test
  void aNestedClassIsNamedWithItsBinaryName() {
    assertThat(ProbeSpec.parse("inner", "com.acme.Outer$Cache#entries").className())
        .isEqualTo("com.acme.Outer$Cache");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "com.acme.Cache",
        "com.acme.Cache#",
        "#size",
        "com..acme.Cache#size",
        "com.acme.Cache#si ze",
        "com.acme.1Cache#size",
        "com.acme.Cache.#size"
      })
  void aMalformedTargetIsRefusedNamingTheOptionAndTheForm(String value) {
    assertThatThrownBy(() -> ProbeSpec.resolve(List.of(), Map.of("cache", value)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("option probe.cache=" + value + ": expected <class>#<method>")
        .hasMessageContaining("or off");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a.b", "with space", "x/y"})
  void aProbeNameOfOtherCharactersIsRefused(String name) {
    assertThatThrownBy(() -> ProbeSpec.resolve(List.of(), Map.of(name, "a.B#c")))
        .hasMessageStartingWith("option probe." + name + ": a probe name is 1 to 64 letters");
  }
}
