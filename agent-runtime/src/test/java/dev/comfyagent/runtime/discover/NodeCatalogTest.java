package dev.comfyagent.runtime.discover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.comfyagent.runtime.comfy.ComfyUiUnavailableException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class NodeCatalogTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final FakeComfyUiClient client = new FakeComfyUiClient(DiscoverFixtures.objectInfo());
  private final NodeCatalog catalog =
      new NodeCatalog(client::objectInfo, Duration.ofMinutes(5), clock);

  @Test
  void fetchesOnceWithinTheTimeToLive() {
    catalog.definitions();
    clock.advance(Duration.ofMinutes(4));
    catalog.definitions();

    assertThat(client.objectInfoCalls).hasValue(1);
    assertThat(catalog.size()).isEqualTo(11);
  }

  @Test
  void fetchesAgainWhenStale() {
    catalog.definitions();
    clock.advance(Duration.ofMinutes(6));
    catalog.definitions();

    assertThat(client.objectInfoCalls).hasValue(2);
  }

  @Test
  void keepsTheLastDefinitionsWhenAFetchFails() {
    catalog.definitions();
    client.reachable(false);
    clock.advance(Duration.ofMinutes(6));

    assertThatThrownBy(catalog::definitions).isInstanceOf(ComfyUiUnavailableException.class);
    assertThat(catalog.tryDefinitions()).isPresent();
    assertThat(catalog.cached().orElseThrow().contains("KSampler")).isTrue();
  }

  @Test
  void hasNothingBeforeComfyUiWasReached() {
    client.reachable(false);

    assertThat(catalog.size()).isZero();
    assertThat(catalog.tryDefinitions()).isEmpty();
    assertThat(catalog.fetchedAt()).isEmpty();
  }

  @Test
  void parsesBoundsBeyondALong() {
    InputSpec seed =
        catalog.definitions().find("KSampler").orElseThrow().input("seed").orElseThrow();

    assertThat(seed.max()).isEqualTo(new BigDecimal("18446744073709551615"));
  }

  @Test
  void aFixedCatalogNeverFetches() {
    NodeDefinitions definitions = DiscoverFixtures.definitions();
    NodeCatalog fixed = NodeCatalog.fixed(definitions);

    assertThat(fixed.refresh()).isSameAs(definitions);
    assertThat(fixed.definitions()).isSameAs(definitions);
  }
}
