package dev.comfyagent.runtime.comfy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ComfyUiClient} over {@code java.net.http}: HTTP for the API, a WebSocket for {@code /ws}.
 * Every call waits at most {@link ComfyUiSettings#requestTimeout()} (connecting at most {@link
 * ComfyUiSettings#connectTimeout()}), passes a Resilience4j {@link RateLimiter} and then a {@link
 * CircuitBreaker}, both named {@value #RESILIENCE_NAME} in the registries given, so that anything
 * watching Resilience4j (the instrument-javaagent among them) sees their state.
 *
 * <p>The breaker counts outages only — refused or timed-out connections, 5xx answers, malformed
 * JSON — and opens after {@link ComfyUiSettings#breakerFailureThreshold()} of them in a row; a 400
 * (ComfyUI refusing a prompt) or a 404 is an answer and counts as a success. While open, calls fail
 * at once with a message that says when the next try will be made.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * HttpComfyUiClient comfy = new HttpComfyUiClient(ComfyUiSettings.defaults());
 * JsonNode stats = comfy.systemStats();
 * QueuedPrompt queued = comfy.queuePrompt(workflow.apiJson(), clientId);
 * try (EventSubscription ws = comfy.subscribe(clientId, listener)) { ... }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class HttpComfyUiClient implements ComfyUiClient {

  /** The name of the circuit breaker and of the rate limiter in their registries. */
  public static final String RESILIENCE_NAME = "comfyui";

  private static final Logger log = LoggerFactory.getLogger(HttpComfyUiClient.class);
  private static final int EXCERPT = 200;
  private static final Duration RATE_LIMIT_WAIT = Duration.ofMillis(500);

  private final ComfyUiSettings settings;
  private final String endpoint;
  private final URI base;
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();
  private final CircuitBreaker breaker;
  private final RateLimiter limiter;
  private volatile Instant openedAt = Instant.EPOCH;
  private volatile String lastFailure = "no failure yet";

  /** A client with its own Resilience4j registries. */
  public HttpComfyUiClient(ComfyUiSettings settings) {
    this(settings, CircuitBreakerRegistry.ofDefaults(), RateLimiterRegistry.ofDefaults());
  }

  /**
   * A client whose breaker and limiter are created (or found) in the given registries under {@value
   * #RESILIENCE_NAME}.
   */
  public HttpComfyUiClient(
      ComfyUiSettings settings, CircuitBreakerRegistry breakers, RateLimiterRegistry limiters) {
    this.settings = settings;
    this.endpoint = hostForUri(settings.host()) + ":" + settings.port();
    this.base = URI.create("http://" + endpoint);
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(settings.connectTimeout())
            .build();
    this.breaker = breakers.circuitBreaker(RESILIENCE_NAME, breakerConfig(settings));
    this.limiter =
        limiters.rateLimiter(
            RESILIENCE_NAME,
            RateLimiterConfig.custom()
                .limitForPeriod(Math.max(1, settings.requestsPerSecond()))
                .limitRefreshPeriod(Duration.ofSeconds(1))
                .timeoutDuration(RATE_LIMIT_WAIT)
                .build());
    breaker
        .getEventPublisher()
        .onStateTransition(
            event -> {
              if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                openedAt = Instant.now();
              }
              log.warn(
                  "ComfyUI circuit breaker for {}: {} -> {} (last failure: {})",
                  endpoint,
                  event.getStateTransition().getFromState(),
                  event.getStateTransition().getToState(),
                  lastFailure);
            });
    limiter
        .getEventPublisher()
        .onFailure(
            event ->
                log.warn(
                    "ComfyUI rate limiter rejected a call to {} (limit {} per second)",
                    endpoint,
                    settings.requestsPerSecond()));
  }

  private static CircuitBreakerConfig breakerConfig(ComfyUiSettings settings) {
    int threshold = Math.max(1, settings.breakerFailureThreshold());
    return CircuitBreakerConfig.custom()
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        // A window as long as the threshold at 100 % failure rate opens after N failures in a row.
        .slidingWindowSize(threshold)
        .minimumNumberOfCalls(threshold)
        .failureRateThreshold(100f)
        .waitDurationInOpenState(settings.breakerOpenDuration())
        .permittedNumberOfCallsInHalfOpenState(1)
        .automaticTransitionFromOpenToHalfOpenEnabled(false)
        .recordException(HttpComfyUiClient::isOutage)
        .build();
  }

  /** Outages open the breaker; answers (400 refusals, 404s) do not. */
  static boolean isOutage(Throwable error) {
    if (error instanceof ComfyUiUnavailableException) {
      return true;
    }
    if (error instanceof ComfyUiHttpException http) {
      return http.status() >= 500 || http.status() == 200;
    }
    return false;
  }

  /** The circuit breaker every call passes. */
  public CircuitBreaker circuitBreaker() {
    return breaker;
  }

  /** The rate limiter every call passes. */
  public RateLimiter rateLimiter() {
    return limiter;
  }

  @Override
  public String endpoint() {
    return endpoint;
  }

  @Override
  public String breakerState() {
    return breaker.getState().name();
  }

  @Override
  public JsonNode systemStats() {
    return getJson("/system_stats");
  }

  @Override
  public JsonNode objectInfo() {
    return getJson("/object_info");
  }

  @Override
  public Optional<JsonNode> objectInfo(String classType) {
    JsonNode all = getJson("/object_info/" + segment(classType));
    JsonNode entry = all.get(classType);
    return entry == null || entry.isNull() ? Optional.empty() : Optional.of(entry);
  }

  @Override
  public List<String> modelFolders() {
    return strings(getJson("/models"), "GET /models");
  }

  @Override
  public List<String> models(String folder) {
    try {
      return strings(getJson("/models/" + segment(folder)), "GET /models/" + folder);
    } catch (ComfyUiHttpException e) {
      if (e.status() == 404) {
        throw new ComfyUiHttpException(
            404,
            "ComfyUI at "
                + endpoint
                + " has no model folder '"
                + folder
                + "'; list_models without a folder shows the folders it has");
      }
      throw e;
    }
  }

  @Override
  public QueuedPrompt queuePrompt(ObjectNode prompt, String clientId) {
    ObjectNode body = json.createObjectNode();
    body.set("prompt", prompt);
    if (clientId != null) {
      body.put("client_id", clientId);
    }
    return call(
        "POST /prompt",
        () -> {
          Answer answer = send(post("/prompt", body));
          if (answer.status() == 400) {
            JsonNode refusal = parse(answer, "POST /prompt");
            JsonNode error = refusal.path("error");
            JsonNode nodeErrors = refusal.path("node_errors");
            throw new PromptRejectedException(
                PromptErrors.describe(error, nodeErrors), error, nodeErrors);
          }
          JsonNode queued = parse(requireOk(answer, "POST /prompt"), "POST /prompt");
          if (!queued.path("prompt_id").isTextual()) {
            throw new ComfyUiHttpException(
                200,
                "ComfyUI at "
                    + endpoint
                    + " accepted the prompt but sent no prompt_id: "
                    + excerpt(answer.body()));
          }
          return new QueuedPrompt(
              queued.get("prompt_id").asText(),
              queued.path("number").asLong(),
              queued.path("node_errors"));
        });
  }

  @Override
  public Optional<JsonNode> history(String promptId) {
    JsonNode history = getJson("/history/" + segment(promptId));
    JsonNode entry = history.get(promptId);
    return entry == null || entry.isNull() ? Optional.empty() : Optional.of(entry);
  }

  @Override
  public JsonNode queue() {
    return getJson("/queue");
  }

  @Override
  public void interrupt(String promptId) {
    ObjectNode body = json.createObjectNode();
    if (promptId != null) {
      body.put("prompt_id", promptId);
    }
    call("POST /interrupt", () -> requireOk(send(post("/interrupt", body)), "POST /interrupt"));
  }

  @Override
  public void deleteFromQueue(String promptId) {
    ObjectNode body = json.createObjectNode();
    body.putArray("delete").add(promptId);
    call("POST /queue", () -> requireOk(send(post("/queue", body)), "POST /queue"));
  }

  @Override
  public boolean isReachable() {
    try {
      systemStats();
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Override
  public EventSubscription subscribe(String clientId, ComfyUiEventListener listener) {
    URI uri =
        URI.create(
            "ws://"
                + endpoint
                + "/ws?clientId="
                + URLEncoder.encode(clientId, StandardCharsets.UTF_8));
    SocketListener socketListener = new SocketListener(listener);
    WebSocket socket =
        call(
            "GET /ws",
            () -> {
              try {
                return http.newWebSocketBuilder()
                    .connectTimeout(settings.connectTimeout())
                    .buildAsync(uri, socketListener)
                    .get(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
              } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof WebSocketHandshakeException handshake) {
                  int status = handshake.getResponse().statusCode();
                  throw new ComfyUiHttpException(
                      status,
                      "ComfyUI at "
                          + endpoint
                          + " refused the WebSocket /ws with status "
                          + status);
                }
                throw unreachable(cause);
              } catch (TimeoutException e) {
                throw unreachable(
                    new HttpTimeoutException("no WebSocket within " + settings.requestTimeout()));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ComfyUiException("interrupted while opening the ComfyUI WebSocket");
              }
            });
    return socketListener.subscription(socket);
  }

  // ---- plumbing -----------------------------------------------------------------------------

  private record Answer(int status, String body) {}

  private JsonNode getJson(String path) {
    String what = "GET " + path;
    return call(
        what,
        () -> parse(requireOk(send(HttpRequest.newBuilder(base.resolve(path)).GET()), what), what));
  }

  private HttpRequest.Builder post(String path, JsonNode body) {
    String text;
    try {
      text = json.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot serialise the request body", e);
    }
    return HttpRequest.newBuilder(base.resolve(path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(text));
  }

  /** Sends one request under the request timeout; network failures become unavailability. */
  private Answer send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response =
          http.send(
              request.timeout(settings.requestTimeout()).build(),
              HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      Answer answer = new Answer(response.statusCode(), response.body());
      if (answer.status() >= 500) {
        throw new ComfyUiHttpException(
            answer.status(),
            "ComfyUI at "
                + endpoint
                + " answered "
                + answer.status()
                + " to "
                + request.build().method()
                + " "
                + request.build().uri().getRawPath()
                + ": "
                + excerpt(answer.body()));
      }
      return answer;
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ComfyUiException("interrupted while waiting for ComfyUI at " + endpoint);
    }
  }

  /**
   * Runs a call through the rate limiter and the circuit breaker, and rewrites failures so their
   * messages carry the breaker's state after the failure was counted.
   */
  private <T> T call(String what, Supplier<T> request) {
    Supplier<T> guarded =
        RateLimiter.decorateSupplier(limiter, CircuitBreaker.decorateSupplier(breaker, request));
    try {
      return guarded.get();
    } catch (RequestNotPermitted e) {
      throw new ComfyUiException(
          "too many calls to ComfyUI at "
              + endpoint
              + " (limit "
              + settings.requestsPerSecond()
              + " per second); "
              + what
              + " was not sent, try again in a moment");
    } catch (CallNotPermittedException e) {
      throw new ComfyUiUnavailableException(
          "ComfyUI at " + endpoint + " is not reachable; " + breakerStory() + ".", e);
    } catch (ComfyUiUnavailableException e) {
      lastFailure = e.getMessage();
      throw new ComfyUiUnavailableException(
          "ComfyUI at "
              + endpoint
              + " is not reachable ("
              + e.getMessage()
              + "); "
              + breakerStory()
              + ". Is ComfyUI running there? Check COMFYUI_HOST and COMFYUI_PORT.",
          e.getCause());
    } catch (PromptRejectedException e) {
      throw e;
    } catch (ComfyUiHttpException e) {
      if (isOutage(e)) {
        lastFailure = e.getMessage();
        if (breaker.getState() != CircuitBreaker.State.CLOSED) {
          throw new ComfyUiHttpException(e.status(), e.getMessage() + "; " + breakerStory());
        }
      }
      throw e;
    }
  }

  /** "circuit breaker OPEN after 3 failures in a row, next try in 27 s" and the like. */
  private String breakerStory() {
    CircuitBreaker.State state = breaker.getState();
    int threshold = Math.max(1, settings.breakerFailureThreshold());
    switch (state) {
      case OPEN -> {
        long left =
            Duration.between(Instant.now(), openedAt.plus(settings.breakerOpenDuration()))
                .toSeconds();
        String when = left > 0 ? "next try in " + left + " s" : "the next call will try again";
        return "circuit breaker OPEN after "
            + threshold
            + " failures in a row (last: "
            + lastFailure
            + "), calls are refused without trying; "
            + when;
      }
      case HALF_OPEN -> {
        return "circuit breaker HALF_OPEN: one trial call decides whether ComfyUI is back";
      }
      case CLOSED -> {
        int failed = breaker.getMetrics().getNumberOfFailedCalls();
        return "circuit breaker CLOSED ("
            + failed
            + " of "
            + threshold
            + " failures in a row before it opens)";
      }
      default -> {
        return "circuit breaker " + state;
      }
    }
  }

  private ComfyUiUnavailableException unreachable(Throwable cause) {
    String reason;
    if (cause instanceof HttpConnectTimeoutException) {
      reason = "no connection within " + seconds(settings.connectTimeout());
    } else if (cause instanceof HttpTimeoutException) {
      reason = "no answer within " + seconds(settings.requestTimeout());
    } else if (cause instanceof ConnectException || rootIs(cause, ConnectException.class)) {
      reason = "connection refused";
    } else if (cause instanceof ClosedChannelException
        || rootIs(cause, ClosedChannelException.class)) {
      reason = "connection closed";
    } else {
      reason =
          cause.getClass().getSimpleName()
              + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
    return new ComfyUiUnavailableException(reason, cause);
  }

  private static boolean rootIs(Throwable error, Class<? extends Throwable> type) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  private Answer requireOk(Answer answer, String what) {
    if (answer.status() / 100 == 2) {
      return answer;
    }
    throw new ComfyUiHttpException(
        answer.status(),
        "ComfyUI at "
            + endpoint
            + " answered "
            + answer.status()
            + " to "
            + what
            + (answer.body().isBlank() ? "" : ": " + excerpt(answer.body())));
  }

  /**
   * Parses JSON inside the guarded call, so that a malformed body (a proxy's error page, a server
   * dying mid-answer) counts with the breaker as the outage it is.
   */
  private JsonNode parse(Answer answer, String what) {
    try {
      JsonNode node = json.readTree(answer.body());
      if (node == null || node.isMissingNode()) {
        throw new JsonProcessingException("empty body") {
          private static final long serialVersionUID = 1L;
        };
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new ComfyUiHttpException(
          200,
          "ComfyUI at "
              + endpoint
              + " sent malformed JSON for "
              + what
              + " ("
              + e.getOriginalMessage()
              + "); the body starts with: "
              + excerpt(answer.body()));
    }
  }

  private static List<String> strings(JsonNode array, String what) {
    List<String> out = new ArrayList<>();
    if (!array.isArray()) {
      throw new ComfyUiHttpException(
          200, what + " did not answer a list: " + excerpt(array.toString()));
    }
    array.forEach(item -> out.add(item.asText()));
    return List.copyOf(out);
  }

  private static String excerpt(String body) {
    if (body == null || body.isEmpty()) {
      return "(empty body)";
    }
    String oneLine = body.replaceAll("\\s+", " ").trim();
    return oneLine.length() <= EXCERPT ? oneLine : oneLine.substring(0, EXCERPT) + "...";
  }

  private static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String hostForUri(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  /** Adapts {@link ComfyUiEventListener} to the JDK's WebSocket listener. */
  private final class SocketListener implements WebSocket.Listener {
    private final ComfyUiEventListener listener;
    private final StringBuilder text = new StringBuilder();
    private final AtomicBoolean closed = new AtomicBoolean();

    SocketListener(ComfyUiEventListener listener) {
      this.listener = listener;
    }

    EventSubscription subscription(WebSocket socket) {
      return () -> {
        if (closed.compareAndSet(false, true)) {
          socket
              .sendClose(WebSocket.NORMAL_CLOSURE, "")
              .orTimeout(1, TimeUnit.SECONDS)
              .whenComplete((ignored, error) -> socket.abort());
          notifyClosed(null);
        }
      };
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        String message = text.toString();
        text.setLength(0);
        deliver(message);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      // Preview frames (event type, image type, image bytes): the runtime shows no previews.
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      if (closed.compareAndSet(false, true)) {
        notifyClosed(
            statusCode == WebSocket.NORMAL_CLOSURE
                ? null
                : new IOException(
                    "ComfyUI closed the WebSocket with code "
                        + statusCode
                        + (reason == null || reason.isEmpty() ? "" : " (" + reason + ")")));
      }
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      if (closed.compareAndSet(false, true)) {
        notifyClosed(error);
      }
    }

    private void deliver(String message) {
      JsonNode node;
      try {
        node = json.readTree(message);
      } catch (JsonProcessingException e) {
        log.debug("ignoring a /ws message that is not JSON: {}", excerpt(message));
        return;
      }
      if (node == null || !node.path("type").isTextual()) {
        return;
      }
      try {
        listener.onMessage(node.get("type").asText(), node.path("data"));
      } catch (RuntimeException e) {
        log.warn("a /ws listener failed on a {} message", node.get("type").asText(), e);
      }
    }

    private void notifyClosed(Throwable error) {
      try {
        listener.onClosed(error);
      } catch (RuntimeException e) {
        log.warn("a /ws listener failed when the socket closed", e);
      }
    }
  }
}
