package dev.comfyagent.runtime.discover;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.discover.NodeMatch.Installation;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NodeSearchTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final FakeComfyUiClient client = new FakeComfyUiClient(DiscoverFixtures.objectInfo());
  private final NodeCatalog catalog =
      new NodeCatalog(client::objectInfo, Duration.ofMinutes(5), clock);
  private final NodeSearch search = new NodeSearch(catalog, DiscoverFixtures.managerMap());

  @Test
  void keepsTheIndexWhileNothingChanged() {
    NodeSearchIndex first = search.snapshot(false).index();

    assertThat(search.snapshot(false).index()).isSameAs(first);
  }

  @Test
  void rebuildsTheIndexWhenTheLiveCatalogChanges() {
    NodeSearchIndex first = search.snapshot(false).index();
    ObjectNode more = DiscoverFixtures.objectInfo().deepCopy();
    more.set("FaceDetailer", more.get("KSampler").deepCopy());
    client.objectInfo(more);

    NodeSearch.Answer answer = search.search("FaceDetailer", 1, false, true);

    assertThat(answer.index()).isNotSameAs(first);
    assertThat(answer.matches().get(0).installation()).isEqualTo(Installation.INSTALLED);
  }

  @Test
  void keepsTheIndexButServesTheNewDefinitionsWhenARefreshChangedOnlyInputs() {
    NodeSearchIndex first = search.snapshot(false).index();
    ObjectNode newer = DiscoverFixtures.objectInfo().deepCopy();
    ((ObjectNode) newer.at("/KSampler/input/required/steps/1")).put("max", 200);
    client.objectInfo(newer);
    clock.advance(Duration.ofMinutes(6));

    NodeSearch.Answer answer = search.search("KSampler", 1, false, false);

    assertThat(answer.index()).isNotSameAs(first);
    assertThat(answer.index().sharesStructureWith(first)).isTrue();
    assertThat(
            answer.matches().get(0).definition().orElseThrow().input("steps").orElseThrow().max())
        .isEqualByComparingTo("200");
  }

  @ParameterizedTest(name = "{0} changed")
  @CsvSource({
    "display_name, KSampler Deluxe, deluxe",
    "category, sampling/deluxe, deluxe",
    "description, Samples deluxe latents, deluxe"
  })
  void rebuildsTheIndexWhenSomethingSearchableChanged(String field, String value, String query) {
    NodeSearchIndex first = search.snapshot(false).index();
    ObjectNode newer = DiscoverFixtures.objectInfo().deepCopy();
    ((ObjectNode) newer.get("KSampler")).put(field, value);
    client.objectInfo(newer);
    clock.advance(Duration.ofMinutes(6));

    NodeSearch.Answer answer = search.search(query, 1, false, false);

    assertThat(answer.index().sharesStructureWith(first)).isFalse();
    assertThat(answer.matches()).extracting(NodeMatch::classType).containsExactly("KSampler");
  }

  @Test
  void rebuildsTheIndexWhenANodeTypeIsAdded() {
    NodeSearchIndex first = search.snapshot(false).index();
    ObjectNode more = DiscoverFixtures.objectInfo().deepCopy();
    more.set("KSamplerDeluxe", more.get("KSampler").deepCopy());
    client.objectInfo(more);
    clock.advance(Duration.ofMinutes(6));

    NodeSearch.Answer answer = search.search("KSamplerDeluxe", 1, false, false);

    assertThat(answer.index().sharesStructureWith(first)).isFalse();
    assertThat(answer.index().installedCount()).isEqualTo(first.installedCount() + 1);
    assertThat(answer.matches().get(0).installation()).isEqualTo(Installation.INSTALLED);
  }

  @Test
  void searchesTheManagerMapAloneWhenComfyUiWasNeverReached() {
    client.reachable(false);

    NodeSearch.Answer answer = search.search("FaceDetailer", 1, false, false);

    assertThat(answer.liveProblem()).contains("127.0.0.1:8188 is not reachable");
    assertThat(answer.index().hasLiveCatalog()).isFalse();
    assertThat(answer.matches().get(0).installation()).isEqualTo(Installation.UNKNOWN);
  }

  @Test
  void usesTheLastNodeListWhenComfyUiStopsAnswering() {
    search.search("KSampler", 1, false, false);
    client.reachable(false);
    clock.advance(Duration.ofMinutes(10));

    NodeSearch.Answer answer = search.search("KSampler", 1, false, false);

    assertThat(answer.liveProblem())
        .contains("used the node catalog ComfyUI sent at 2026-01-01T00:00:00Z");
    assertThat(answer.matches().get(0).installation()).isEqualTo(Installation.INSTALLED);
  }
}
