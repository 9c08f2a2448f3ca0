package dev.comfyagent.runtime.discover;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManagerNodeMapTest {

  @TempDir Path dir;

  @Test
  void readsPacksWithTitlesAndDescriptionsFromTheCustomNodeList() {
    ManagerNodeMap map = DiscoverFixtures.managerMap();

    NodePack impact = map.packsProviding("FaceDetailer").get(0);

    assertThat(impact.repoUrl()).isEqualTo("https://github.com/ltdrdata/ComfyUI-Impact-Pack");
    assertThat(impact.title()).isEqualTo("ComfyUI Impact Pack");
    assertThat(impact.id()).isEqualTo("comfyui-impact-pack");
    assertThat(impact.author()).isEqualTo("Dr.Lt.Data");
    assertThat(impact.description()).startsWith("This node pack offers various detector nodes");
    assertThat(impact.nodeTypes()).contains("FaceDetailer", "SAMLoader");
  }

  @Test
  void joinsTheTwoFilesOnUrlsThatDifferOnlyByGitSuffixOrCase() {
    ManagerNodeMap map = DiscoverFixtures.managerMap();

    assertThat(map.packsProviding("UltimateSDUpscale").get(0).description())
        .startsWith("ComfyUI nodes for the Ultimate Stable Diffusion Upscale");
  }

  @Test
  void joinsCopyInstalledPacksByTheirFileUrl() {
    ManagerNodeMap map = DiscoverFixtures.managerMap();

    assertThat(map.packsProviding("SharpenUnsharpMask").get(0).title()).isEqualTo("Sharpen");
  }

  @Test
  void fallsBackToTitleAuxWhenTheListDoesNotKnowThePack() {
    ManagerNodeMap map = DiscoverFixtures.managerMap();

    assertThat(map.packsProviding("CannyEdgePreprocessor").get(0).title())
        .isEqualTo("ComfyUI's ControlNet Auxiliary Preprocessors");
  }

  @Test
  void putsThePackThatPreemptsANodeNameFirst() {
    ManagerNodeMap map = DiscoverFixtures.managerMap();

    List<NodePack> providers = map.packsProviding("SAMLoader");

    assertThat(providers)
        .extracting(NodePack::title)
        .containsExactly("ComfyUI Impact Pack", "segment anything");
  }

  @Test
  void matchesUnlistedNamesByTheNodeNamePattern() {
    ManagerNodeMap map = DiscoverFixtures.managerMap();

    assertThat(map.packsProviding("Image Sharpen (WAS)"))
        .extracting(NodePack::title)
        .containsExactly("WAS Node Suite");
    assertThat(map.packsProviding("SomethingNobodyMade")).isEmpty();
  }

  @Test
  void countsDistinctNodeTypesAndSkipsMalformedEntries() {
    ManagerNodeMap map = DiscoverFixtures.managerMap();

    // 7 + 3 + 6 + 4 + 6 + 1 names, SAMLoader twice; the string-valued entry is skipped.
    assertThat(map.size()).isEqualTo(26);
    assertThat(map.packCount()).isEqualTo(6);
    assertThat(map.isAvailable()).isTrue();
  }

  @Test
  void readsNothingUntilFirstUseAndSizeNeverReads() throws IOException {
    ManagerNodeMap map = ManagerNodeMap.locate(DiscoverFixtures.comfyUiInstall(dir));

    assertThat(map.size()).isZero();
    assertThat(map.packsProviding("FaceDetailer")).hasSize(1);
    assertThat(map.size()).isEqualTo(26);
  }

  @Test
  void findsManager3CacheFilesUnderTheComfyUiInstall() throws IOException {
    ManagerNodeMap map = ManagerNodeMap.locate(DiscoverFixtures.comfyUiInstall(dir));

    assertThat(map.describeSource())
        .endsWith("user/default/ComfyUI-Manager/cache/1742899825_extension-node-map.json");
    assertThat(map.packsProviding("FaceDetailer").get(0).title()).isEqualTo("ComfyUI Impact Pack");
  }

  @Test
  void prefersTheMostRecentlyWrittenCopyAmongManagerLocations() throws IOException {
    DiscoverFixtures.comfyUiInstall(dir);
    Path bundled = dir.resolve("custom_nodes/ComfyUI-Manager/extension-node-map.json");
    Files.createDirectories(bundled.getParent());
    Files.writeString(
        bundled,
        "{\"https://github.com/a/newer\": [[\"OnlyInNewer\"], {\"title_aux\": \"Newer\"}]}");
    Files.setLastModifiedTime(
        dir.resolve("user/default/ComfyUI-Manager/cache/1742899825_extension-node-map.json"),
        FileTime.from(Instant.parse("2024-01-01T00:00:00Z")));
    Files.setLastModifiedTime(bundled, FileTime.from(Instant.parse("2025-01-01T00:00:00Z")));

    ManagerNodeMap map = ManagerNodeMap.locate(dir);

    assertThat(map.packsProviding("OnlyInNewer")).hasSize(1);
    assertThat(map.describeSource())
        .endsWith("custom_nodes/ComfyUI-Manager/extension-node-map.json");
  }

  @Test
  void findsTheCacheOfTheManagerBuiltIntoComfyUi() throws IOException {
    Path cache = dir.resolve("user/__manager/cache");
    Files.createDirectories(cache);
    DiscoverFixtures.copy(
        "extension-node-map.json", cache.resolve("1742899825_extension-node-map.json.json"));

    ManagerNodeMap map = ManagerNodeMap.locate(dir);

    assertThat(map.packsProviding("UltimateSDUpscale")).hasSize(1);
  }

  @Test
  void explainsWhereItLookedWhenNoMapIsFound() {
    ManagerNodeMap map = ManagerNodeMap.locate(dir);

    assertThat(map.isAvailable()).isFalse();
    assertThat(map.packs()).isEmpty();
    assertThat(map.describeSource())
        .contains("extension-node-map.json was not found under COMFYUI_PATH=" + dir)
        .contains("user/default/ComfyUI-Manager/cache");
  }

  @Test
  void reportsACorruptMapWithoutThrowingAndLeavesTheFileAlone() throws IOException {
    Path file = dir.resolve("extension-node-map.json");
    Files.writeString(file, "{\"https://github.com/a/b\": [[\"A\"], {\"title_aux\": ");

    ManagerNodeMap map = ManagerNodeMap.ofFiles(file, null);

    assertThat(map.isAvailable()).isFalse();
    assertThat(map.describeSource()).contains("could not be read").contains(file.toString());
    assertThat(map.packsProviding("A")).isEmpty();
    assertThat(Files.readString(file)).endsWith("\"title_aux\": ");
  }

  @Test
  void worksWithoutTheCustomNodeList() throws IOException {
    Path file = dir.resolve("extension-node-map.json");
    DiscoverFixtures.copy("extension-node-map.json", file);

    ManagerNodeMap map = ManagerNodeMap.ofFiles(file, dir.resolve("missing.json"));

    assertThat(map.packsProviding("FaceDetailer").get(0).title()).isEqualTo("ComfyUI Impact Pack");
    assertThat(map.packsProviding("FaceDetailer").get(0).description())
        .startsWith("This extension offers");
  }

  @Test
  void refreshReadsTheFilesAgain() throws IOException {
    Path file = dir.resolve("extension-node-map.json");
    Files.writeString(file, "{\"https://github.com/a/b\": [[\"First\"], {}]}");
    ManagerNodeMap map = ManagerNodeMap.ofFiles(file, null);
    long before = map.generation();
    assertThat(map.packsProviding("First")).hasSize(1);

    Files.writeString(file, "{\"https://github.com/a/b\": [[\"Second\"], {}]}");
    map.refresh();

    assertThat(map.packsProviding("First")).isEmpty();
    assertThat(map.packsProviding("Second")).hasSize(1);
    assertThat(map.generation()).isNotEqualTo(before);
  }

  @Test
  void aMapWithNothingSaysWhy() {
    ManagerNodeMap map = ManagerNodeMap.none("COMFYUI_PATH is not set");

    assertThat(map.describeSource()).isEqualTo("COMFYUI_PATH is not set");
    assertThat(map.packs()).isEmpty();
    assertThat(map.size()).isZero();
  }

  @Test
  void readsMetadataValuesThatAreNotStringsAsTheirText() throws IOException {
    String json =
        "{\"https://github.com/a/odd\": [[\"Odd\"], {\"title_aux\": 42, \"author\": null,"
            + " \"nickname\": {\"x\": 1}, \"description\": true, \"unknown\": [1, {}],"
            + " \"preemptions\": [\"Odd\", 7], \"nodename_pattern\": \"^Odd\"}],"
            + " \"https://github.com/b/plain\": [[\"Plain\"], {\"preemptions\": \"Plain\","
            + " \"title_aux\": \"\", \"nickname\": \"\"}]}";

    ManagerNodeMap map = parse(json);

    NodePack odd = map.packsProviding("Odd").get(0);
    assertThat(odd.title()).isEqualTo("42");
    assertThat(odd.author()).isEmpty();
    assertThat(odd.description()).isEqualTo("true");
    assertThat(odd.preemptions()).containsExactlyInAnyOrder("Odd", "7");
    assertThat(odd.nodeNamePattern()).isEqualTo("^Odd");
    NodePack plain = map.packsProviding("Plain").get(0);
    assertThat(plain.title()).isEqualTo("plain");
    assertThat(plain.preemptions()).isEmpty();
  }

  @Test
  void listsEachNodeTypeOnceInTheOrderTheMapFirstNamesIt() throws IOException {
    ManagerNodeMap map =
        parse(
            "{\"https://github.com/a/one\": [[\"B\", \"A\", \"B\"], {}],"
                + " \"https://github.com/a/two\": [[\"C\", \"A\"], {\"preemptions\": [\"A\"]}],"
                + " \"https://github.com/a/three\": [[\"D\"]]}");

    assertThat(map.nodeTypes()).containsExactly("B", "A", "C", "D");
    assertThat(map.size()).isEqualTo(4);
    assertThat(map.packsProviding("A")).extracting(NodePack::title).containsExactly("two", "one");
    assertThat(map.packsProviding("B")).extracting(NodePack::title).containsExactly("one", "one");
    assertThat(map.packsProviding("D")).extracting(NodePack::title).containsExactly("three");
  }

  @Test
  void readsEveryPackOfTheCustomNodeListSkippingItemsThatAreNotObjects() throws IOException {
    String map =
        "{\"https://github.com/a/one\": [[\"One\"], {\"title_aux\": \"aux one\"}],"
            + " \"https://github.com/b/two\": [[\"Two\"], {\"title_aux\": \"aux two\"}]}";
    String list =
        "{\"channel\": {\"x\": [1]}, \"custom_nodes\": [1, \"text\", [\"nested\"],"
            + " {\"id\": 7, \"title\": \"One\", \"author\": null, \"extra\": {\"deep\": [1, {}]},"
            + " \"reference\": \"https://github.com/A/One.git\", \"files\": [null, {}]},"
            + " null,"
            + " {\"title\": \"Two\", \"description\": \"the second\","
            + " \"files\": [\"http://www.github.com/b/two/\"]}]}";

    ManagerNodeMap parsed =
        ManagerNodeMap.parse(
            new ByteArrayInputStream(map.getBytes(StandardCharsets.UTF_8)),
            new ByteArrayInputStream(list.getBytes(StandardCharsets.UTF_8)));

    NodePack one = parsed.packsProviding("One").get(0);
    assertThat(one.title()).isEqualTo("One");
    assertThat(one.id()).isEqualTo("7");
    assertThat(one.author()).isEmpty();
    NodePack two = parsed.packsProviding("Two").get(0);
    assertThat(two.title()).isEqualTo("Two");
    assertThat(two.description()).isEqualTo("the second");
  }

  @Test
  void findsEveryNodeTypeOfAMapTooLargeForItsFirstTables() throws IOException {
    StringBuilder json = new StringBuilder("{");
    for (int p = 0; p < 300; p++) {
      json.append(p == 0 ? "" : ",").append("\"https://github.com/a/p").append(p).append("\": [[");
      for (int n = 0; n < 20; n++) {
        json.append(n == 0 ? "" : ",").append("\"Node").append(p).append('_').append(n).append('"');
      }
      if (p > 0) {
        // One name of the previous pack again: some types have two providers.
        json.append(",\"Node").append(p - 1).append("_5\"");
      }
      json.append("], {}]");
    }
    ManagerNodeMap map = parse(json.append('}').toString());

    assertThat(map.size()).isEqualTo(300 * 20);
    assertThat(map.nodeTypes()).hasSize(map.size()).doesNotHaveDuplicates();
    assertThat(map.nodeTypes().get(20)).isEqualTo("Node1_0");
    assertThat(map.packsProviding("Node150_3")).extracting(NodePack::title).containsExactly("p150");
    assertThat(map.packsProviding("Node150_5"))
        .extracting(NodePack::title)
        .containsExactly("p150", "p151");
    assertThat(map.packsProviding("Node299_5")).extracting(NodePack::title).containsExactly("p299");
    assertThat(map.packsProviding("Node300_1")).isEmpty();
  }

  private static ManagerNodeMap parse(String json) throws IOException {
    return ManagerNodeMap.parse(
        new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), null);
  }

  @Test
  void rejectsADocumentThatIsNotAnObject() {
    var in = new ByteArrayInputStream("[1, 2]".getBytes(StandardCharsets.UTF_8));

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ManagerNodeMap.parse(in, null))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("expected an object");
  }
}
