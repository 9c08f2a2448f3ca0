package dev.comfyagent.runtime.comfy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One HTTP request to ComfyUI and its answer, with the errors a user can act on: a network failure
 * becomes a {@link ComfyUiUnavailableException} naming the cause (refused, timed out, closed), a
 * 5xx or an unexpected status a {@link ComfyUiHttpException} with an excerpt of the body, a body
 * that is not JSON one that says so ({@link ComfyUiJson} reads ComfyUI's {@code Infinity} and
 * {@code NaN}).
 *
 * <p>Usage:
 *
 * <pre>{@code
 * Answer answer = exchange.send(exchange.get("/queue"));
 * JsonNode queue = exchange.parse(exchange.requireOk(answer, "GET /queue"), "GET /queue");
 * }</pre>
 *
 * <p>Used inside {@link ComfyUiCallGuard#call}, so its failures count with the circuit breaker.
 * Thread-safe.
 */
final class ComfyUiExchange {

  private static final int EXCERPT = 200;

  private final ComfyUiSettings settings;
  private final String endpoint;
  private final URI base;
  private final HttpClient http;

  ComfyUiExchange(ComfyUiSettings settings, String endpoint) {
    this.settings = settings;
    this.endpoint = endpoint;
    this.base = URI.create("http://" + endpoint);
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(settings.connectTimeout())
            .build();
  }

  /** A status and a body. */
  record Answer(int status, String body) {}

  HttpClient http() {
    return http;
  }

  HttpRequest.Builder get(String path) {
    return HttpRequest.newBuilder(base.resolve(path)).GET();
  }

  HttpRequest.Builder post(String path, JsonNode body) {
    String text;
    try {
      text = ComfyUiJson.MAPPER.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot serialise the request body", e);
    }
    return HttpRequest.newBuilder(base.resolve(path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(text));
  }

  /** Sends one request under the request timeout; network failures become unavailability. */
  Answer send(HttpRequest.Builder request) {
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

  /** The answer when its status is 2xx; else an error naming the status and the call. */
  Answer requireOk(Answer answer, String what) {
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
  JsonNode parse(Answer answer, String what) {
    try {
      JsonNode node = ComfyUiJson.MAPPER.readTree(answer.body());
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

  /** The unavailability a network failure means, its cause said in a few words. */
  ComfyUiUnavailableException unreachable(Throwable cause) {
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

  /** The start of a body on one line, for error messages. */
  static String excerpt(String body) {
    if (body == null || body.isEmpty()) {
      return "(empty body)";
    }
    String oneLine = body.replaceAll("\\s+", " ").trim();
    return oneLine.length() <= EXCERPT ? oneLine : oneLine.substring(0, EXCERPT) + "...";
  }
}
