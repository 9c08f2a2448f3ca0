package dev.comfyagent.benchmarks.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExtensionNodeMapGeneratorTest {

  private static final ObjectNode MAP = BenchmarkData.extensionNodeMap();

  private static final Pattern REPOSITORY_URL =
      Pattern.compile(
          "https://github\\.com/[A-Za-z0-9-]+/[A-Za-z0-9_-]+"
              + "|https://raw\\.githubusercontent\\.com/[A-Za-z0-9-]+/[A-Za-z0-9_-]+/main/\\w+\\.py");

  @Test
  void hasTheRealMapsNumberOfPacksAndNodeTypes() {
    int entries = 0;
    for (Map.Entry<String, JsonNode> pack : MAP.properties()) {
      entries += pack.getValue().get(0).size();
    }
    assertThat(MAP.size()).isEqualTo(ExtensionNodeMapGenerator.PACKS);
    assertThat(entries).isEqualTo(ExtensionNodeMapGenerator.NODE_TYPES);
    assertThat(BenchmarkData.extensionNodeTypes()).hasSize(ExtensionNodeMapGenerator.NODE_TYPES);
  }

  @Test
  void everyPackHasManagersShapeWithRepositoryUrlNodeListAndTitle() {
    for (Map.Entry<String, JsonNode> pack : MAP.properties()) {
      assertThat(pack.getKey()).matches(REPOSITORY_URL);
      JsonNode value = pack.getValue();
      assertThat(value.isArray() && value.size() == 2).as(pack.getKey()).isTrue();
      assertThat(value.get(0).isArray() && !value.get(0).isEmpty()).as(pack.getKey()).isTrue();
      value.get(0).forEach(t -> assertThat(t.isTextual()).isTrue());
      assertThat(value.get(1).path("title_aux").isTextual()).as(pack.getKey()).isTrue();
    }
  }

  @Test
  void mostPacksAreComfyUiPrefixedGithubRepositories() {
    long prefixed =
        MAP.properties().stream()
            .filter(e -> e.getKey().matches("https://github\\.com/[^/]+/ComfyUI-[A-Za-z0-9-]+"))
            .count();
    assertThat(prefixed).isGreaterThan(ExtensionNodeMapGenerator.PACKS / 2);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        ".+ \\([A-Za-z0-9]+\\)", // KSampler (Efficient)
        "[A-Z]{2,4} [A-Z][A-Za-z0-9]+ .+", // CR Upscale Image
        "[a-z]+ [a-z][A-Za-z0-9]+", // easy kSampler
        "[A-Za-z0-9]+\\|[a-z0-9]+", // ShowText|pysssss
        "[A-Z][a-z]+[A-Z][A-Za-z0-9]+" // ImpactWildcardProcessor, LoadImageBatch
      })
  void containsNodeNamesInEachOfComfyUisNamingStyles(String style) {
    Pattern pattern = Pattern.compile(style);
    long matching =
        BenchmarkData.extensionNodeTypes().stream()
            .filter(n -> pattern.matcher(n).matches())
            .count();
    assertThat(matching).isGreaterThan(500);
  }

  @Test
  void packSizesHaveTheLongTailOfTheRealMap() {
    List<Integer> sizes = new ArrayList<>();
    MAP.properties().forEach(e -> sizes.add(e.getValue().get(0).size()));
    Collections.sort(sizes);
    assertThat(sizes.get(sizes.size() / 2)).isBetween(2, 6);
    assertThat(sizes.get(sizes.size() - 1)).isGreaterThan(100);
    assertThat(sizes.get(0)).isEqualTo(1);
  }

  @Test
  void someNodeTypesAreProvidedByMoreThanOnePackAsInTheRealMap() {
    Set<String> seen = new HashSet<>();
    long repeated = BenchmarkData.extensionNodeTypes().stream().filter(t -> !seen.add(t)).count();
    assertThat(repeated).isBetween(400L, 3_000L);
  }

  @Test
  void sameSeedGivesTheSameMapAndAnotherSeedAnotherMap() {
    assertThat(ExtensionNodeMapGenerator.generate(7, 50, 400))
        .isEqualTo(ExtensionNodeMapGenerator.generate(7, 50, 400))
        .isNotEqualTo(ExtensionNodeMapGenerator.generate(8, 50, 400));
  }

  @Test
  void rejectsFewerNodeTypesThanPacks() {
    assertThatThrownBy(() -> ExtensionNodeMapGenerator.generate(1, 10, 9))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("10 packs and 9 node types");
  }
}
