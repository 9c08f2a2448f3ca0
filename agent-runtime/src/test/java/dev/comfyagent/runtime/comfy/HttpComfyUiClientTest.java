package dev.comfyagent.runtime.comfy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.simulator.ComfyUiSimulator;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpComfyUiClientTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ComfyUiSimulator comfy;
  private HttpComfyUiClient client;

  @BeforeEach
  void start() {
    comfy = ComfyUiSimulator.builder().port(0).stepDelay(Duration.ofMillis(1)).start();
    client = new HttpComfyUiClient(settings(comfy.port(), Duration.ofSeconds(5)));
  }

  @AfterEach
  void stop() {
    comfy.close();
  }

  static ComfyUiSettings settings(int port, Duration requestTimeout) {
    return new ComfyUiSettings(
        "127.0.0.1", port, Duration.ofSeconds(2), requestTimeout, 3, Duration.ofMillis(300), 200);
  }

  static ObjectNode txt2img() throws Exception {
    try (InputStream in =
        HttpComfyUiClientTest.class.getResourceAsStream(
            "/dev/comfyagent/runtime/execute/txt2img.json")) {
      return (ObjectNode) JSON.readTree(in);
    }
  }

  @Test
  void readsSystemStatsObjectInfoAndModels() {
    assertThat(client.systemStats().at("/devices/0/vram_total").asLong()).isPositive();
    assertThat(client.objectInfo().size()).isGreaterThanOrEqualTo(40);
    assertThat(client.objectInfo("KSampler"))
        .get()
        .extracting(n -> n.get("category").asText())
        .isEqualTo("sampling");
    assertThat(client.objectInfo("NoSuchNode")).isEmpty();
    assertThat(client.modelFolders()).contains("checkpoints", "loras");
    assertThat(client.models("checkpoints")).contains("sd_xl_base_1.0.safetensors");
    assertThat(client.endpoint()).isEqualTo("127.0.0.1:" + comfy.port());
    assertThat(client.isReachable()).isTrue();
  }

  @Test
  void anUnknownModelFolderIsAnAnswerNotAnOutage() {
    for (int i = 0; i < 4; i++) {
      assertThatThrownBy(() -> client.models("nope"))
          .isInstanceOf(ComfyUiHttpException.class)
          .hasMessageContaining("no model folder 'nope'")
          .extracting(e -> ((ComfyUiHttpException) e).status())
          .isEqualTo(404);
    }
    assertThat(client.breakerState()).isEqualTo("CLOSED");
  }

  @Test
  void aRefusedPromptCarriesReadableNodeErrorsAndDoesNotTripTheBreaker() throws Exception {
    ObjectNode prompt = txt2img();
    ((ObjectNode) prompt.at("/3/inputs")).put("steps", 0);

    for (int i = 0; i < 4; i++) {
      assertThatThrownBy(() -> client.queuePrompt(prompt, "c1"))
          .isInstanceOfSatisfying(
              PromptRejectedException.class,
              e -> {
                assertThat(e.getMessage())
                    .contains("node 3 (KSampler): steps: Value 0 smaller than min of 1");
                assertThat(e.nodeErrors().has("3")).isTrue();
                assertThat(e.error().path("type").asText())
                    .isEqualTo("prompt_outputs_failed_validation");
              });
    }
    assertThat(client.breakerState()).isEqualTo("CLOSED");
  }

  @Test
  void queuesAPromptAndFindsItInTheHistoryWhenDone() throws Exception {
    ComfyUiClient.QueuedPrompt queued = client.queuePrompt(txt2img(), "c1");

    JsonNode entry = awaitHistory(queued.promptId());
    assertThat(entry.at("/outputs/9/images/0/filename").asText()).startsWith("ComfyUI_");
    assertThat(queued.nodeErrors().size()).isZero();
    assertThat(client.queue().has("queue_running")).isTrue();
    assertThat(client.history("unknown-prompt")).isEmpty();
  }

  private JsonNode awaitHistory(String promptId) throws InterruptedException {
    for (int i = 0; i < 2000; i++) {
      var entry = client.history(promptId);
      if (entry.isPresent()) {
        return entry.get();
      }
      Thread.sleep(5);
    }
    throw new AssertionError("no history for " + promptId);
  }

  @Test
  void interruptsTheRunningPromptAndRemovesAPendingOne() throws Exception {
    comfy.pauseExecution();
    String running = client.queuePrompt(txt2img(), "c1").promptId();
    ObjectNode other = txt2img();
    ((ObjectNode) other.at("/3/inputs")).put("seed", 99);
    String pending = client.queuePrompt(other, "c1").promptId();

    client.deleteFromQueue(pending);
    awaitRunning(running);
    client.interrupt(running);
    comfy.resumeExecution();

    assertThat(awaitHistory(running).at("/status/status_str").asText()).isEqualTo("error");
    assertThat(client.queue().get("queue_pending").size()).isZero();
  }

  private void awaitRunning(String promptId) throws InterruptedException {
    for (int i = 0; i < 2000; i++) {
      if (client.queue().at("/queue_running/0/1").asText().equals(promptId)) {
        return;
      }
      Thread.sleep(5);
    }
    throw new AssertionError(promptId + " never ran");
  }

  @Test
  void comfyUiDownNamesHostPortAndTheBreakerThenTheBreakerOpensAndRejectsFast() {
    comfy.goDown();

    assertThatThrownBy(client::systemStats)
        .isInstanceOf(ComfyUiUnavailableException.class)
        .hasMessageContaining("127.0.0.1:" + comfy.port())
        .hasMessageContaining("connection refused")
        .hasMessageContaining("circuit breaker CLOSED (1 of 3");
    assertThatThrownBy(client::queue).isInstanceOf(ComfyUiUnavailableException.class);
    assertThatThrownBy(client::queue)
        .hasMessageContaining("circuit breaker OPEN after 3 failures in a row");
    assertThat(client.breakerState()).isEqualTo("OPEN");

    comfy.comeBackUp();
    comfy.resetRequestCounts();
    assertThatThrownBy(client::systemStats)
        .isInstanceOf(ComfyUiUnavailableException.class)
        .hasMessageContaining("calls are refused without trying");
    assertThat(comfy.requestCount("/system_stats")).isZero();
  }

  @Test
  void anOpenBreakerLetsATrialCallThroughAfterItsOpenDurationAndClosesWhenItSucceeds()
      throws Exception {
    comfy.goDown();
    for (int i = 0; i < 3; i++) {
      assertThat(client.isReachable()).isFalse();
    }
    assertThat(client.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
    comfy.comeBackUp();

    boolean reachable = false;
    for (int i = 0; i < 400 && !reachable; i++) {
      reachable = client.isReachable();
      Thread.sleep(10);
    }

    assertThat(reachable).isTrue();
    assertThat(client.breakerState()).isEqualTo("CLOSED");
  }

  @Test
  void a500NamesTheStatusAndAnExcerptOfTheBody() {
    comfy.failNextRequests("/queue", 1, 500);

    assertThatThrownBy(client::queue)
        .isInstanceOfSatisfying(
            ComfyUiHttpException.class, e -> assertThat(e.status()).isEqualTo(500))
        .hasMessageContaining("answered 500 to GET /queue")
        .hasMessageContaining("Server got itself in trouble");
    assertThat(client.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
  }

  @Test
  void malformedJsonIsReportedAsSuchAndCountsAsAFailure() {
    comfy.answerMalformedJson("/system_stats", 1);

    assertThatThrownBy(client::systemStats)
        .isInstanceOf(ComfyUiHttpException.class)
        .hasMessageContaining("malformed JSON for GET /system_stats")
        .hasMessageContaining("{\"prompt_id\"");
    assertThat(client.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
  }

  @Test
  void aSlowAnswerHitsTheRequestTimeout() {
    HttpComfyUiClient impatient =
        new HttpComfyUiClient(settings(comfy.port(), Duration.ofMillis(100)));
    comfy.delayNextRequests("/object_info", 1, Duration.ofSeconds(2));

    assertThatThrownBy(impatient::objectInfo)
        .isInstanceOf(ComfyUiUnavailableException.class)
        .hasMessageContaining("no answer within 100 ms");
  }

  @Test
  void theRateLimiterRejectsCallsBeyondItsLimit() {
    HttpComfyUiClient limited =
        new HttpComfyUiClient(
            new ComfyUiSettings(
                "127.0.0.1",
                comfy.port(),
                Duration.ofSeconds(2),
                Duration.ofSeconds(5),
                3,
                Duration.ofSeconds(30),
                1));
    List<String> failures = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 5; i++) {
      try {
        limited.queue();
      } catch (ComfyUiException e) {
        failures.add(e.getMessage());
      }
    }

    assertThat(failures).isNotEmpty();
    assertThat(failures.get(0)).contains("too many calls to ComfyUI", "limit 1 per second");
    assertThat(limited.breakerState()).isEqualTo("CLOSED");
  }

  @Test
  void subscribeDeliversTheRunsMessagesSkipsPreviewsAndReportsADrop() throws Exception {
    List<String> types = new CopyOnWriteArrayList<>();
    CompletableFuture<Throwable> closed = new CompletableFuture<>();
    comfy.dropWebSocketInNextRun();
    EventSubscription subscription =
        client.subscribe(
            "listener-1",
            new ComfyUiEventListener() {
              @Override
              public void onMessage(String type, JsonNode data) {
                types.add(type);
              }

              @Override
              public void onClosed(Throwable error) {
                closed.complete(error);
              }
            });

    client.queuePrompt(txt2img(), "listener-1");

    assertThat(closed.get(10, TimeUnit.SECONDS)).hasMessageContaining("closed the WebSocket");
    assertThat(types).startsWith("status").contains("execution_start", "executing");
    subscription.close();
  }

  @Test
  void subscribeWaitsUntilComfyUiRegisteredTheSocketSoTheRunLosesNoMessage() throws Exception {
    // ComfyUI answers the upgrade before it knows the client id; messages sent meanwhile are lost.
    comfy.registerWebSocketsLate(Duration.ofMillis(300));
    List<String> types = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> succeeded = new CompletableFuture<>();
    EventSubscription subscription =
        client.subscribe(
            "listener-late",
            new ComfyUiEventListener() {
              @Override
              public void onMessage(String type, JsonNode data) {
                types.add(type);
                if (type.equals("execution_success")) {
                  succeeded.complete(null);
                }
              }

              @Override
              public void onClosed(Throwable error) {}
            });

    client.queuePrompt(txt2img(), "listener-late");

    succeeded.get(10, TimeUnit.SECONDS);
    assertThat(types)
        .startsWith("status")
        .containsSubsequence("execution_start", "executing", "progress", "execution_success");
    subscription.close();
  }

  @Test
  void closingASubscriptionReportsANormalClose() throws Exception {
    CompletableFuture<Throwable> closed = new CompletableFuture<>();
    EventSubscription subscription =
        client.subscribe(
            "listener-2",
            new ComfyUiEventListener() {
              @Override
              public void onMessage(String type, JsonNode data) {}

              @Override
              public void onClosed(Throwable error) {
                closed.complete(error);
              }
            });

    subscription.close();
    subscription.close();

    assertThat(closed.get(5, TimeUnit.SECONDS)).isNull();
  }

  @Test
  void aRefusedWebSocketIsAnError() {
    comfy.failNextRequests("/ws", 1, 503);

    assertThatThrownBy(
            () ->
                client.subscribe(
                    "listener-3",
                    new ComfyUiEventListener() {
                      @Override
                      public void onMessage(String type, JsonNode data) {}

                      @Override
                      public void onClosed(Throwable error) {}
                    }))
        .isInstanceOf(ComfyUiHttpException.class)
        .hasMessageContaining("refused the WebSocket /ws with status 503");
  }

  @Test
  void viewUrlsAreEncoded() {
    assertThat(client.viewUrl("a b.png", "shots/sh010", "output"))
        .isEqualTo(
            "http://127.0.0.1:"
                + comfy.port()
                + "/view?filename=a%20b.png&subfolder=shots%2Fsh010&type=output");
  }
}
