package dev.comfyagent.runtime.discover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.comfyagent.runtime.comfy.ComfyUiUnavailableException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

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
  void readersArrivingDuringAFetchWaitForItInsteadOfAskingAgain() throws Exception {
    CountDownLatch asked = new CountDownLatch(1);
    CountDownLatch answer = new CountDownLatch(1);
    AtomicInteger fetches = new AtomicInteger();
    NodeCatalog slow =
        new NodeCatalog(
            () -> {
              fetches.incrementAndGet();
              asked.countDown();
              try {
                answer.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return DiscoverFixtures.objectInfo();
            },
            Duration.ofMinutes(5),
            clock);
    ExecutorService readers = Executors.newFixedThreadPool(3);
    try {
      Future<NodeDefinitions> first = readers.submit(slow::definitions);
      assertThat(asked.await(30, TimeUnit.SECONDS)).isTrue();
      Future<NodeDefinitions> second = readers.submit(slow::definitions);
      Future<NodeCatalog.Lookup> third = readers.submit(() -> slow.lookup());
      Thread.sleep(100);
      answer.countDown();

      assertThat(second.get(30, TimeUnit.SECONDS)).isSameAs(first.get(30, TimeUnit.SECONDS));
      assertThat(third.get(30, TimeUnit.SECONDS).live()).isTrue();
      assertThat(fetches).hasValue(1);
    } finally {
      readers.shutdownNow();
    }
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
  void aLookupSaysItUsedTheCopyComfyUiSentAndFromWhenOnceComfyUiStopsAnswering() {
    assertThat(catalog.lookup().live()).isTrue();
    client.reachable(false);
    clock.advance(Duration.ofMinutes(6));

    NodeCatalog.Lookup lookup = catalog.lookup();

    assertThat(lookup.stale()).isTrue();
    assertThat(lookup.definitions()).isPresent();
    assertThat(lookup.source()).isEqualTo("the node catalog ComfyUI sent at 2026-01-01T00:00:00Z");
    assertThat(lookup.note().orElseThrow())
        .startsWith("ComfyUI at 127.0.0.1:8188 is not reachable")
        .endsWith("; used the node catalog ComfyUI sent at 2026-01-01T00:00:00Z");
  }

  @Test
  void aLookupWithoutAnyCatalogSaysWhy() {
    client.reachable(false);

    NodeCatalog.Lookup lookup = catalog.lookup();

    assertThat(lookup.definitions()).isEmpty();
    assertThat(lookup.note().orElseThrow())
        .contains("is not reachable")
        .endsWith("no node catalog was ever read");
  }

  @Test
  void aDefectReadingTheCatalogIsLoggedWithTheCorrelationIdNotSwallowed() {
    NodeCatalog broken =
        new NodeCatalog(
            () -> {
              throw new IllegalStateException("unexpected token in /object_info");
            },
            Duration.ofMinutes(5),
            clock);
    Logger logger = (Logger) LoggerFactory.getLogger(NodeCatalog.class);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    logger.addAppender(logged);
    MDC.put("correlation_id", "4bf92f3577b34da6a3ce929d0e0e4736");
    try {
      assertThat(broken.tryDefinitions()).isEmpty();
    } finally {
      MDC.remove("correlation_id");
      logger.detachAppender(logged);
    }

    assertThat(logged.list)
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.getLevel()).isEqualTo(Level.WARN);
              assertThat(event.getMDCPropertyMap())
                  .containsEntry("correlation_id", "4bf92f3577b34da6a3ce929d0e0e4736");
              assertThat(event.getThrowableProxy().getMessage())
                  .isEqualTo("unexpected token in /object_info");
            });
    assertThat(broken.lookup().problem()).contains("could not be read");
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
