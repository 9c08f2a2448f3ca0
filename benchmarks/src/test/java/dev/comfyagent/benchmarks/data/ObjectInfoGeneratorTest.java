package dev.comfyagent.benchmarks.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfyagent.runtime.discover.InputSpec;
import dev.comfyagent.runtime.discover.NodeDefinition;
import dev.comfyagent.runtime.discover.NodeDefinitions;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObjectInfoGeneratorTest {

  private static final NodeDefinitions DEFINITIONS =
      NodeDefinitions.parse(BenchmarkData.objectInfo());

  @Test
  void theRuntimeParsesAllTwoThousandClasses() {
    assertThat(BenchmarkData.objectInfo().size()).isEqualTo(ObjectInfoGenerator.CLASSES);
    assertThat(DEFINITIONS.size()).isEqualTo(ObjectInfoGenerator.CLASSES);
  }

  @Test
  void entriesHaveComfyUisFields() {
    for (Map.Entry<String, JsonNode> entry : BenchmarkData.objectInfo().properties()) {
      JsonNode e = entry.getValue();
      assertThat(e.path("input").path("required").isObject()).as(entry.getKey()).isTrue();
      assertThat(e.path("input_order").path("required").isArray()).as(entry.getKey()).isTrue();
      assertThat(e.path("output").size())
          .isEqualTo(e.path("output_name").size())
          .isEqualTo(e.path("output_is_list").size());
      assertThat(e.path("name").asText()).isEqualTo(entry.getKey());
      for (String field : List.of("display_name", "description", "python_module", "category")) {
        assertThat(e.path(field).isTextual()).as(entry.getKey() + "." + field).isTrue();
      }
    }
  }

  @Test
  void seedMaximumExceedsALongAsInComfyUi() {
    InputSpec seed = DEFINITIONS.find("KSampler").orElseThrow().input("seed").orElseThrow();
    assertThat(seed.max()).isEqualTo(new BigDecimal("18446744073709551615"));
  }

  @Test
  void oldAndNewStyleCombosBothCarryTheirChoices() {
    JsonNode info = BenchmarkData.objectInfo();
    long oldStyle = 0;
    long newStyle = 0;
    for (Map.Entry<String, JsonNode> entry : info.properties()) {
      for (Map.Entry<String, JsonNode> input :
          entry.getValue().path("input").path("required").properties()) {
        JsonNode spec = input.getValue();
        if (spec.path(0).isArray()) {
          oldStyle++;
        } else if ("COMBO".equals(spec.path(0).asText())) {
          newStyle++;
          InputSpec parsed =
              DEFINITIONS.find(entry.getKey()).orElseThrow().input(input.getKey()).orElseThrow();
          assertThat(parsed.choices()).isNotEmpty();
        }
      }
    }
    assertThat(oldStyle).isGreaterThan(100);
    assertThat(newStyle).isGreaterThan(100);
  }

  @Test
  void everyLinkTypeAnInputTakesIsMadeByANodeThatNeedsNoLink() {
    for (NodeDefinition def : DEFINITIONS.all()) {
      for (InputSpec in : def.inputs()) {
        if (in.acceptsLiteral()
            || "*".equals(in.type())
            || in.presence() == InputSpec.Presence.HIDDEN) {
          continue;
        }
        boolean produced =
            DEFINITIONS.all().stream()
                .anyMatch(
                    src ->
                        src.inputs().stream()
                                .allMatch(
                                    i ->
                                        i.acceptsLiteral()
                                            || i.presence() != InputSpec.Presence.REQUIRED)
                            && src.outputs().stream().anyMatch(o -> o.type().equals(in.type())));
        assertThat(produced || isDerived(in.type())).as(def.classType() + "." + in.name()).isTrue();
      }
    }
  }

  /**
   * Types made from other links only (conditioning from a CLIP), which a graph reaches in steps.
   */
  private static boolean isDerived(String type) {
    return List.of("CONDITIONING").contains(type);
  }

  @Test
  void includesCustomPackNodesWithTheirModuleAndCategory() {
    long custom =
        DEFINITIONS.all().stream()
            .filter(d -> d.pythonModule().startsWith("custom_nodes."))
            .count();
    assertThat(custom).isGreaterThan(1_900);
  }

  @Test
  void rejectsACatalogTooSmallForTheCoreNodes() {
    assertThatThrownBy(() -> ObjectInfoGenerator.classes(1, 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least");
  }
}
