package dev.comfyagent.runtime.discover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.discover.NodeMatch.Installation;
import dev.comfyagent.runtime.discover.NodeMatch.Tier;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NodeSearchIndexTest {

  private static final NodeSearchIndex INDEX =
      NodeSearchIndex.build(DiscoverFixtures.definitions(), DiscoverFixtures.managerMap());

  @Test
  void ranksExactThenPrefixThenTokenThenFuzzy() {
    NodeSearchIndex index =
        NodeSearchIndex.build(
            definitions(
                "UpscaleModelLoader",
                "ImageUpscaleWithModel",
                "UpscaleImageBy",
                "UpscaleImage",
                "Blur"),
            ManagerNodeMap.none("not needed"));

    List<NodeMatch> matches = index.search("upscale image", 10, false);

    assertThat(matches)
        .extracting(NodeMatch::classType, NodeMatch::tier)
        .containsExactly(
            tuple("UpscaleImage", Tier.EXACT),
            tuple("UpscaleImageBy", Tier.PREFIX),
            tuple("ImageUpscaleWithModel", Tier.TOKEN),
            tuple("UpscaleModelLoader", Tier.FUZZY));
  }

  @Test
  void forgivesATypoInAWordTheIndexDoesNotKnow() {
    NodeSearchIndex index =
        NodeSearchIndex.build(
            definitions("ImageUpscaleWithModel", "ImageBlur"), ManagerNodeMap.none("not needed"));

    List<NodeMatch> matches = index.search("image upscael", 10, false);

    assertThat(matches)
        .extracting(NodeMatch::classType, NodeMatch::tier)
        .first()
        .isEqualTo(tuple("ImageUpscaleWithModel", Tier.FUZZY));
  }

  @Test
  void findsAWordWithTwoNeighbouringCharsSwappedInsideIt() {
    // "sapmler" keeps only 3 of the 7 padded trigrams of "sampler": one swap, four trigrams.
    List<NodeMatch> matches = INDEX.search("sapmler", 5, false);

    assertThat(matches)
        .extracting(NodeMatch::classType, NodeMatch::tier)
        .containsExactlyInAnyOrder(
            tuple("KSampler", Tier.FUZZY), tuple("KSamplerAdvanced", Tier.FUZZY));
  }

  @Test
  void countsASwapOfCharsFurtherApartAsTwoEdits() {
    // "spmaler" swaps the a and the p of "sampler", two apart: two edits, one too many for 7 chars.
    assertThat(INDEX.search("spmaler", 5, false)).isEmpty();
  }

  @Test
  void allowingSwapsLeavesExactAndPrefixRankingsAsTheyWere() {
    assertThat(INDEX.search("KSampler", 5, false))
        .extracting(NodeMatch::classType, NodeMatch::tier, NodeMatch::score)
        .containsExactly(
            tuple("KSampler", Tier.EXACT, 1000), tuple("KSamplerAdvanced", Tier.PREFIX, 792));
    assertThat(INDEX.search("KSamplerAdv", 5, false))
        .extracting(NodeMatch::classType, NodeMatch::tier, NodeMatch::score)
        .containsExactly(tuple("KSamplerAdvanced", Tier.PREFIX, 795));
  }

  @ParameterizedTest(name = "{0} -> {1} ({2})")
  @CsvSource({
    "KSampler, KSampler, EXACT",
    "ksampler, KSampler, EXACT",
    "Load Checkpoint, CheckpointLoaderSimple, EXACT",
    "KSamplerAdv, KSamplerAdvanced, PREFIX",
    "load lora, LoraLoader, EXACT",
    "empty latent, EmptyLatentImage, PREFIX",
    "image upscale model, ImageUpscaleWithModel, TOKEN",
    "textencode, CLIPTextEncode, TOKEN",
    "TextEncode, CLIPTextEncode, TOKEN",
    "conditioning denoise, KSampler, TOKEN",
    "face detailer, FaceDetailer, EXACT",
    "detailer face, FaceDetailer, TOKEN",
    "facedetailr, FaceDetailer, FUZZY",
    "ksamplr, KSampler, FUZZY",
    "controlnet preprocessor canny, CannyEdgePreprocessor, TOKEN"
  })
  void findsTheNodeAnArtistMeans(String query, String expectedFirst, Tier tier) {
    List<NodeMatch> matches = INDEX.search(query, 5, false);

    assertThat(matches).isNotEmpty();
    assertThat(matches.get(0).classType()).isEqualTo(expectedFirst);
    assertThat(matches.get(0).tier()).isEqualTo(tier);
  }

  @Test
  void answersANodeThatIsNotInstalledWithThePackThatProvidesIt() {
    NodeMatch match = INDEX.search("FaceDetailer", 1, false).get(0);

    assertThat(match.installation()).isEqualTo(Installation.NOT_INSTALLED);
    assertThat(match.definition()).isEmpty();
    assertThat(match.packs()).extracting(NodePack::title).containsExactly("ComfyUI Impact Pack");
    assertThat(match.packs().get(0).repoUrl())
        .isEqualTo("https://github.com/ltdrdata/ComfyUI-Impact-Pack");
  }

  @Test
  void marksInstalledNodesAndKeepsTheirPack() {
    NodeMatch match = INDEX.search("ImpactWildcardEncode", 1, false).get(0);

    assertThat(match.installation()).isEqualTo(Installation.INSTALLED);
    assertThat(match.definition()).isPresent();
    assertThat(match.category()).isEqualTo("ImpactPack/Prompt");
    assertThat(match.packs()).extracting(NodePack::title).containsExactly("ComfyUI Impact Pack");
  }

  @Test
  void ranksAnInstalledNodeAboveAnEqualOneThatIsNotInstalled() {
    List<String> order =
        INDEX.search("upscale", 20, false).stream().map(NodeMatch::classType).toList();

    assertThat(order.indexOf("ImageUpscaleWithModel"))
        .isLessThan(order.indexOf("UltimateSDUpscale"));
  }

  @Test
  void leavesOutNodesThatAreNotInstalledWhenAskedTo() {
    List<NodeMatch> matches = INDEX.search("upscale", 20, true);

    assertThat(matches).isNotEmpty();
    assertThat(matches).allMatch(m -> m.installation() == Installation.INSTALLED);
    assertThat(matches).extracting(NodeMatch::classType).doesNotContain("UltimateSDUpscale");
  }

  @Test
  void saysInstallationIsUnknownWithoutALiveCatalog() {
    NodeSearchIndex offline = NodeSearchIndex.build(null, DiscoverFixtures.managerMap());

    List<NodeMatch> matches = offline.search("SAMLoader", 3, false);

    assertThat(offline.hasLiveCatalog()).isFalse();
    assertThat(matches.get(0).installation()).isEqualTo(Installation.UNKNOWN);
  }

  @Test
  void returnsEachNodeOnceAtItsBestTier() {
    List<NodeMatch> matches = INDEX.search("sampler", 50, false);

    assertThat(matches).extracting(NodeMatch::classType).doesNotHaveDuplicates();
  }

  @Test
  void keepsToTheLimit() {
    assertThat(INDEX.search("image", 3, false)).hasSize(3);
  }

  @Test
  void answersNothingForAQueryWithoutLettersOrDigits() {
    assertThat(INDEX.search("  --- ", 10, false)).isEmpty();
  }

  @Test
  void fallsBackToNodesMatchingSomeOfTheWords() {
    List<NodeMatch> matches = INDEX.search("latent banana", 5, false);

    assertThat(matches).isNotEmpty();
    assertThat(matches).allMatch(m -> m.tier() == Tier.FUZZY);
    assertThat(matches).extracting(NodeMatch::classType).contains("EmptyLatentImage");
  }

  @Test
  void searchesCategories() {
    List<NodeMatch> matches = INDEX.search("loaders", 10, true);

    assertThat(matches)
        .extracting(NodeMatch::classType)
        .contains("CheckpointLoaderSimple", "LoraLoader", "UpscaleModelLoader");
  }

  @Test
  void findsOneNodeAmongFortyThousand() throws IOException {
    StringBuilder map = new StringBuilder("{");
    for (int pack = 0; pack < 5_000; pack++) {
      map.append(pack == 0 ? "" : ",")
          .append("\"https://github.com/author")
          .append(pack)
          .append("/pack")
          .append(pack)
          .append("\": [[");
      for (int n = 0; n < 8; n++) {
        map.append(n == 0 ? "" : ",")
            .append("\"Pack")
            .append(pack)
            .append("Node")
            .append(n)
            .append("Sampler\"");
      }
      map.append("], {\"title_aux\": \"Pack number ").append(pack).append("\"}]");
    }
    map.append("}");
    ManagerNodeMap big =
        ManagerNodeMap.parse(
            new ByteArrayInputStream(map.toString().getBytes(StandardCharsets.UTF_8)), null);
    NodeSearchIndex index = NodeSearchIndex.build(DiscoverFixtures.definitions(), big);

    assertThat(index.size()).isEqualTo(40_000 + 11);
    assertThat(index.search("Pack4321Node7Sampler", 1, false).get(0).classType())
        .isEqualTo("Pack4321Node7Sampler");
    assertThat(index.search("sampler", 20, false)).hasSize(20);
    assertThat(index.search("sampler", 20, false).get(0).classType()).isEqualTo("KSampler");
  }

  @Test
  void servesConcurrentQueriesWithTheirOwnScratchSpace() throws Exception {
    List<String> queries = List.of("KSampler", "upscale model", "face detailer", "ksamplr");
    List<List<String>> expected =
        queries.stream()
            .map(q -> INDEX.search(q, 10, false).stream().map(NodeMatch::classType).toList())
            .toList();
    var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
      for (int i = 0; i < 200; i++) {
        int q = i % queries.size();
        results.add(
            pool.submit(
                () ->
                    INDEX.search(queries.get(q), 10, false).stream()
                        .map(NodeMatch::classType)
                        .toList()
                        .equals(expected.get(q))));
      }
      for (var r : results) {
        assertThat(r.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void servesNewerDefinitionsOfTheSameNodeTypesWithoutARebuild() {
    NodeDefinitions newer = DiscoverFixtures.definitions();

    NodeSearchIndex rebound = INDEX.withLiveDefinitions(newer).orElseThrow();

    assertThat(rebound.sharesStructureWith(INDEX)).isTrue();
    assertThat(rebound.search("KSampler", 1, false).get(0).definition())
        .containsSame(newer.find("KSampler").orElseThrow());
    assertThat(rebound.search("upscale", 20, false))
        .extracting(NodeMatch::classType, NodeMatch::tier, NodeMatch::score)
        .isEqualTo(
            INDEX.search("upscale", 20, false).stream()
                .map(m -> tuple(m.classType(), m.tier(), m.score()))
                .toList());
  }

  @Test
  void needsARebuildForOtherNodeTypesOrOrderOrWithoutALiveCatalog() {
    NodeSearchIndex index = NodeSearchIndex.build(definitions("A", "B"), ManagerNodeMap.none("-"));

    assertThat(index.withLiveDefinitions(definitions("B", "A"))).isEmpty();
    assertThat(index.withLiveDefinitions(definitions("A", "B", "C"))).isEmpty();
    assertThat(index.withLiveDefinitions(definitions("A", "X"))).isEmpty();
    assertThat(index.withLiveDefinitions(null)).isEmpty();
    assertThat(
            NodeSearchIndex.build(null, ManagerNodeMap.none("-"))
                .withLiveDefinitions(definitions()))
        .isEmpty();
    assertThat(index.withLiveDefinitions(definitions("A", "B"))).isPresent();
  }

  private static NodeDefinitions definitions(String... classTypes) {
    ObjectNode info = JsonNodeFactory.instance.objectNode();
    for (String classType : classTypes) {
      ObjectNode node = info.putObject(classType);
      node.putObject("input").putObject("required");
      node.putArray("output");
      node.put("display_name", classType);
      node.put("category", "test");
      node.put("description", "");
    }
    return NodeDefinitions.parse(info);
  }
}
