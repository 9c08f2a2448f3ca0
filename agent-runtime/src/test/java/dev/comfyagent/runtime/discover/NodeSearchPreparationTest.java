package dev.comfyagent.runtime.discover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.discover.NodeMatch.Installation;
import dev.comfyagent.runtime.discover.NodeSearchIndexEquivalenceTest.Catalog;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link NodeSearch#prepareInBackground()}: the first search answers at once from the installed
 * node types while ComfyUI-Manager's map is still read, says so, and once the whole index is ready
 * answers exactly as an index built over both at once. The map's reading is held on a latch, so
 * "still being read" is a state the test controls, not a race it hopes to win.
 */
class NodeSearchPreparationTest {

  private static final Catalog CATALOG = Catalog.generate(20260202L, 400, 4_000, 300);
  private static final Duration NOT_WAITING = Duration.ofSeconds(10);

  @TempDir Path dir;

  private final CountDownLatch mapGate = new CountDownLatch(1);
  private final CountDownLatch catalogGate = new CountDownLatch(1);
  private final AtomicInteger objectInfoCalls = new AtomicInteger();
  private Path mapFile;
  private Path listFile;
  private NodeSearch search;

  @BeforeEach
  void setUp() throws IOException {
    mapFile = Files.write(dir.resolve("extension-node-map.json"), CATALOG.extensionNodeMap);
    listFile = Files.write(dir.resolve("custom-node-list.json"), CATALOG.customNodeList);
    search = new NodeSearch(catalogServing(CATALOG.objectInfo), mapBehind(mapGate, mapFile));
  }

  @AfterEach
  void releaseTheGates() throws InterruptedException {
    mapGate.countDown();
    catalogGate.countDown();
    search.awaitPrepared(Duration.ofSeconds(30));
  }

  @Test
  void answersAtOnceFromTheInstalledNodesWhileTheManagersMapIsStillRead() {
    catalogGate.countDown();
    search.prepareInBackground();
    NodeDefinition installed = installed(0);

    NodeSearch.Answer answer =
        assertTimeoutPreemptively(
            NOT_WAITING, () -> search.search(installed.classType(), 20, false, false));

    assertThat(answer.managerMapPending())
        .contains("ComfyUI-Manager's node map is still being read")
        .contains("only installed node types were searched");
    assertThat(answer.matches()).isNotEmpty();
    assertThat(answer.matches().get(0).classType()).isEqualTo(installed.classType());
    assertThat(answer.matches())
        .allSatisfy(m -> assertThat(m.installation()).isEqualTo(Installation.INSTALLED));
    assertThat(answer.index().size()).isEqualTo(CATALOG.definitions.size());
  }

  @Test
  void onceReadyRanksEveryQueryAsAnIndexBuiltOverBothAtOnce() throws Exception {
    catalogGate.countDown();
    search.prepareInBackground();
    mapGate.countDown();
    assertThat(search.awaitPrepared(Duration.ofSeconds(30))).isTrue();
    NodeSearchIndex atOnce = NodeSearchIndex.build(CATALOG.definitions, CATALOG.managerMap);

    int compared = 0;
    for (String query : CATALOG.queries(CATALOG.definitions, CATALOG.managerMap)) {
      boolean installedOnly = compared % 5 == 2;
      NodeSearch.Answer answer = search.search(query, 20, installedOnly, false);
      assertThat(answer.managerMapPending()).isNull();
      assertThat(answer.matches())
          .as("%s, installed only %s", query, installedOnly)
          .isEqualTo(atOnce.search(query, 20, installedOnly));
      compared++;
    }
    assertThat(compared).isGreaterThan(2_000);
    assertThat(objectInfoCalls).as("the catalog fetched once, ahead of the searches").hasValue(1);
  }

  @Test
  void aMapThatCannotBeParsedIsReportedAndInstalledNodesAreStillSearched() throws Exception {
    Files.writeString(mapFile, "{\"https://github.com/a/b\": [[\"Broken\"], {\"title_aux\": ");
    catalogGate.countDown();
    mapGate.countDown();
    search.prepareInBackground();
    assertThat(search.awaitPrepared(Duration.ofSeconds(30))).isTrue();
    NodeDefinition installed = installed(1);

    ToolResult result =
        new SearchNodesTool(search)
            .call(query(installed.classType()), ToolContext.detached("test-connection"));

    assertThat(result.isError()).isFalse();
    assertThat(result.structuredContent().path("matches").get(0).path("class_type").asText())
        .isEqualTo(installed.classType());
    assertThat(result.text())
        .contains(
            "Note: nodes that are not installed cannot be searched: ComfyUI-Manager's node map")
        .contains("could not be read")
        .contains("extension-node-map.json");
    assertThat(result.structuredContent().path("manager_map_ready").asBoolean()).isTrue();
    assertThat(result.structuredContent().at("/manager_map/available").asBoolean(true)).isFalse();
  }

  @Test
  void theToolSaysWhenTheManagersPartWasNotReadyAndWhenItIs() throws Exception {
    catalogGate.countDown();
    search.prepareInBackground();
    SearchNodesTool tool = new SearchNodesTool(search);
    ObjectNode arguments = query(installed(0).classType());

    ToolResult partial =
        assertTimeoutPreemptively(
            NOT_WAITING, () -> tool.call(arguments, ToolContext.detached("c")));
    mapGate.countDown();
    assertThat(search.awaitPrepared(Duration.ofSeconds(30))).isTrue();
    ToolResult whole = tool.call(arguments, ToolContext.detached("c"));

    assertThat(partial.text()).contains("Note: ComfyUI-Manager's node map is still being read");
    JsonNode pending = partial.structuredContent();
    assertThat(pending.path("manager_map_ready").asBoolean(true)).isFalse();
    assertThat(pending.at("/manager_map/available").isNull()).isTrue();
    assertThat(pending.path("indexed_node_types").asInt()).isEqualTo(CATALOG.definitions.size());
    assertThat(whole.text()).doesNotContain("still being read");
    assertThat(whole.structuredContent().path("manager_map_ready").asBoolean()).isTrue();
    assertThat(whole.structuredContent().at("/manager_map/available").asBoolean()).isTrue();
    assertThat(whole.structuredContent().path("indexed_node_types").asInt())
        .isGreaterThan(CATALOG.definitions.size());
  }

  @Test
  void theInstalledPartPreparedEarlyIsNotFetchedAgainForTheWhole() throws Exception {
    catalogGate.countDown();
    search.prepareInstalledInBackground();
    search.prepareInstalledInBackground();
    search.prepareInBackground();
    NodeSearch.Answer partial =
        assertTimeoutPreemptively(
            NOT_WAITING, () -> search.search(installed(0).classType(), 5, false, false));
    mapGate.countDown();

    assertThat(search.awaitPrepared(Duration.ofSeconds(30))).isTrue();
    assertThat(partial.managerMapPending()).isNotNull();
    assertThat(search.search(installed(0).classType(), 5, false, false).managerMapPending())
        .isNull();
    assertThat(objectInfoCalls).hasValue(1);
  }

  @Test
  void theInstalledPartIsTheIndexOfAMapThatKnowsNothing() {
    NodeSearchIndex installedPart = NodeSearchIndex.buildInstalledOnly(CATALOG.definitions);
    NodeSearchIndex emptyMap =
        NodeSearchIndex.build(CATALOG.definitions, ManagerNodeMap.none("nothing"));

    assertThat(installedPart.size()).isEqualTo(CATALOG.definitions.size());
    for (String query : CATALOG.queries(CATALOG.definitions, CATALOG.managerMap).subList(0, 300)) {
      assertThat(installedPart.search(query, 20, false))
          .as(query)
          .isEqualTo(emptyMap.search(query, 20, false));
    }
  }

  @Test
  void theBackgroundThreadsAreNamedDaemons() {
    search.prepareInBackground();

    Set<Thread> preparing =
        Thread.getAllStackTraces().keySet().stream()
            .filter(
                t ->
                    t.getName().equals(NodeSearch.INDEX_THREAD)
                        || t.getName().equals(NodeSearch.CATALOG_THREAD))
            .collect(Collectors.toSet());

    assertThat(preparing)
        .extracting(Thread::getName)
        .containsExactlyInAnyOrder(NodeSearch.INDEX_THREAD, NodeSearch.CATALOG_THREAD);
    assertThat(preparing).allSatisfy(t -> assertThat(t.isDaemon()).isTrue());
  }

  @Test
  void searchesDuringTheBuildSeeTheInstalledPartOrTheWholeIndexNeverAMixture() throws Exception {
    List<String> queries = CATALOG.queries(CATALOG.definitions, CATALOG.managerMap).subList(0, 200);
    NodeSearchIndex installedPart = NodeSearchIndex.buildInstalledOnly(CATALOG.definitions);
    NodeSearchIndex whole = NodeSearchIndex.build(CATALOG.definitions, CATALOG.managerMap);
    ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
    AtomicInteger partialAnswers = new AtomicInteger();
    AtomicInteger wholeAnswers = new AtomicInteger();
    CountDownLatch searching = new CountDownLatch(4);
    ExecutorService searchers = Executors.newFixedThreadPool(4);
    try {
      catalogGate.countDown();
      search.prepareInBackground();
      List<Future<?>> runs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int offset = t;
        runs.add(
            searchers.submit(
                () -> {
                  boolean sawWhole = false;
                  // Rounds until one whole round after the preparation was over.
                  for (int round = 0, after = 0; after < 2; round++) {
                    if (search.awaitPrepared(Duration.ZERO)) {
                      after++;
                    }
                    for (int i = offset; i < queries.size(); i += 4) {
                      String q = queries.get(i);
                      NodeSearch.Answer answer = search.search(q, 10, false, false);
                      boolean partial = answer.managerMapPending() != null;
                      List<NodeMatch> expected =
                          (partial ? installedPart : whole).search(q, 10, false);
                      if (!answer.matches().equals(expected)) {
                        wrong.add((partial ? "partial " : "whole ") + q);
                      }
                      if (partial && sawWhole) {
                        wrong.add("partial after whole: " + q);
                      }
                      sawWhole |= !partial;
                      (partial ? partialAnswers : wholeAnswers).incrementAndGet();
                    }
                    if (round == 0) {
                      searching.countDown();
                    }
                  }
                  return null;
                }));
      }
      // Let every searcher finish one round over the installed part, then let the map be read.
      assertThat(searching.await(30, TimeUnit.SECONDS)).isTrue();
      mapGate.countDown();
      for (Future<?> run : runs) {
        run.get(60, TimeUnit.SECONDS);
      }
    } finally {
      searchers.shutdownNow();
    }

    assertThat(wrong).isEmpty();
    assertThat(partialAnswers).hasValueGreaterThanOrEqualTo(200);
    assertThat(search.awaitPrepared(Duration.ofSeconds(30))).isTrue();
    assertThat(search.search(queries.get(0), 10, false, false).managerMapPending()).isNull();
  }

  @Test
  void anExplicitRefreshWaitsForTheWholeIndex() throws Exception {
    catalogGate.countDown();
    search.prepareInBackground();

    CompletableFuture<NodeSearch.Answer> refreshed =
        CompletableFuture.supplyAsync(() -> search.search("anything", 5, false, true));
    Thread.sleep(200);
    assertThat(refreshed).isNotDone();
    mapGate.countDown();

    assertThat(refreshed.get(30, TimeUnit.SECONDS).managerMapPending()).isNull();
  }

  @Test
  void withoutPreparationTheFirstSearchWaitsForTheWholeIndexAsBefore() throws Exception {
    mapGate.countDown();
    catalogGate.countDown();

    NodeSearch.Answer answer = search.search("anything", 5, false, false);

    assertThat(answer.managerMapPending()).isNull();
    assertThat(answer.index().size()).isGreaterThan(CATALOG.definitions.size());
    assertThat(search.awaitPrepared(Duration.ZERO)).isTrue();
  }

  private static NodeDefinition installed(int index) {
    return List.copyOf(CATALOG.definitions.all()).get(index);
  }

  private NodeCatalog catalogServing(JsonNode objectInfo) {
    return new NodeCatalog(
        () -> {
          objectInfoCalls.incrementAndGet();
          await(catalogGate);
          return objectInfo;
        },
        Duration.ofMinutes(5),
        Clock.systemUTC());
  }

  private ManagerNodeMap mapBehind(CountDownLatch gate, Path nodeMap) {
    return ManagerNodeMap.locatedBy(
        () -> {
          await(gate);
          return new ManagerNodeMap.Sources(nodeMap, listFile, null);
        });
  }

  private static ObjectNode query(String text) {
    ObjectNode arguments = JsonNodeFactory.instance.objectNode();
    arguments.put("query", text);
    return arguments;
  }

  private static void await(CountDownLatch gate) {
    try {
      if (!gate.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the test never opened the gate");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
