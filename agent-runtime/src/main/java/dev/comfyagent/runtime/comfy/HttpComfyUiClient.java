package dev.comfyagent.runtime.comfy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.comfy.ComfyUiExchange.Answer;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * <p>Its parts: {@link ComfyUiCallGuard} (the limiter, the breaker and their messages), {@link
 * ComfyUiExchange} (one HTTP request and its errors), {@link ComfyUiSocketListener} ({@code /ws}
 * events). Thread-safe.
 */
public final class HttpComfyUiClient implements ComfyUiClient {

  /** The name of the circuit breaker and of the rate limiter in their registries. */
  public static final String RESILIENCE_NAME = "comfyui";

  private static final Logger log = LoggerFactory.getLogger(HttpComfyUiClient.class);

  private static final Duration MAX_GREETING_WAIT = Duration.ofSeconds(2);

  private final ComfyUiSettings settings;
  private final String endpoint;
  private final ComfyUiExchange exchange;
  private final ComfyUiCallGuard guard;

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
    this.exchange = new ComfyUiExchange(settings, endpoint);
    this.guard = new ComfyUiCallGuard(settings, endpoint, breakers, limiters);
  }

  /** The circuit breaker every call passes. */
  public CircuitBreaker circuitBreaker() {
    return guard.breaker();
  }

  /** The rate limiter every call passes. */
  public RateLimiter rateLimiter() {
    return guard.limiter();
  }

  @Override
  public String endpoint() {
    return endpoint;
  }

  @Override
  public String breakerState() {
    return guard.breaker().getState().name();
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
    ObjectNode body = ComfyUiJson.MAPPER.createObjectNode();
    body.set("prompt", prompt);
    if (clientId != null) {
      body.put("client_id", clientId);
    }
    return guard.call(
        "POST /prompt",
        () -> {
          Answer answer = exchange.send(exchange.post("/prompt", body));
          if (answer.status() == 400) {
            JsonNode refusal = exchange.parse(answer, "POST /prompt");
            JsonNode error = refusal.path("error");
            JsonNode nodeErrors = refusal.path("node_errors");
            throw new PromptRejectedException(
                PromptErrors.describe(error, nodeErrors), error, nodeErrors);
          }
          JsonNode queued =
              exchange.parse(exchange.requireOk(answer, "POST /prompt"), "POST /prompt");
          if (!queued.path("prompt_id").isTextual()) {
            throw new ComfyUiHttpException(
                200,
                "ComfyUI at "
                    + endpoint
                    + " accepted the prompt but sent no prompt_id: "
                    + ComfyUiExchange.excerpt(answer.body()));
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
    ObjectNode body = ComfyUiJson.MAPPER.createObjectNode();
    if (promptId != null) {
      body.put("prompt_id", promptId);
    }
    guard.call(
        "POST /interrupt",
        () ->
            exchange.requireOk(
                exchange.send(exchange.post("/interrupt", body)), "POST /interrupt"));
  }

  @Override
  public void deleteFromQueue(String promptId) {
    ObjectNode body = ComfyUiJson.MAPPER.createObjectNode();
    body.putArray("delete").add(promptId);
    guard.call(
        "POST /queue",
        () -> exchange.requireOk(exchange.send(exchange.post("/queue", body)), "POST /queue"));
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
    ComfyUiSocketListener socketListener = new ComfyUiSocketListener(listener);
    WebSocket socket =
        guard.call(
            "GET /ws",
            () -> {
              try {
                return exchange
                    .http()
                    .newWebSocketBuilder()
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
                throw exchange.unreachable(cause);
              } catch (TimeoutException e) {
                throw exchange.unreachable(
                    new HttpTimeoutException("no WebSocket within " + settings.requestTimeout()));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ComfyUiException("interrupted while opening the ComfyUI WebSocket");
              }
            });
    EventSubscription subscription = socketListener.subscription(socket);
    try {
      if (!socketListener.awaitGreeting(greetingWait())) {
        // A server that never greets still gets the socket; its first messages may be lost.
        log.debug("no first message on /ws within {}; going on without it", greetingWait());
      }
    } catch (InterruptedException e) {
      subscription.close();
      Thread.currentThread().interrupt();
      throw new ComfyUiException("interrupted while waiting for ComfyUI's first /ws message");
    }
    return subscription;
  }

  /** How long {@link #subscribe} waits for ComfyUI's greeting: the request timeout, 2 s at most. */
  private Duration greetingWait() {
    Duration timeout = settings.requestTimeout();
    return timeout.compareTo(MAX_GREETING_WAIT) < 0 ? timeout : MAX_GREETING_WAIT;
  }

  // ---- plumbing -----------------------------------------------------------------------------

  private JsonNode getJson(String path) {
    String what = "GET " + path;
    return guard.call(
        what,
        () -> exchange.parse(exchange.requireOk(exchange.send(exchange.get(path)), what), what));
  }

  private static List<String> strings(JsonNode array, String what) {
    List<String> out = new ArrayList<>();
    if (!array.isArray()) {
      throw new ComfyUiHttpException(
          200, what + " did not answer a list: " + ComfyUiExchange.excerpt(array.toString()));
    }
    array.forEach(item -> out.add(item.asText()));
    return List.copyOf(out);
  }

  private static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String hostForUri(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }
}
