package dev.comfyagent.runtime.comfy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adapts a {@link ComfyUiEventListener} to the JDK's WebSocket listener for ComfyUI's {@code /ws}:
 * joins text frames into messages, hands each JSON message's {@code type} and {@code data} on,
 * skips binary preview frames, and reports the close exactly once (a normal close with no error). A
 * listener's own failure is logged and never closes the socket.
 *
 * <p>Usage: {@code new ComfyUiSocketListener(listener)} to {@code buildAsync}, then {@link
 * #awaitGreeting} and {@link #subscription} of the socket for the caller. The JDK calls it from one
 * thread at a time.
 */
final class ComfyUiSocketListener implements WebSocket.Listener {

  private static final Logger log = LoggerFactory.getLogger(HttpComfyUiClient.class);

  private final ComfyUiEventListener listener;
  private final StringBuilder text = new StringBuilder();
  private final AtomicBoolean closed = new AtomicBoolean();
  // Completed by the first JSON message, or by the close if none came first.
  private final CompletableFuture<Void> greeted = new CompletableFuture<>();

  ComfyUiSocketListener(ComfyUiEventListener listener) {
    this.listener = listener;
  }

  /**
   * Waits until the socket's first JSON message (or its close) arrived, at most {@code timeout};
   * true when it did. ComfyUI answers the upgrade before it registers the socket under its client
   * id, drops messages for a client id it does not know yet, and sends {@code status} to the socket
   * as soon as it is registered: after that greeting, no message for the client id is lost.
   */
  boolean awaitGreeting(Duration timeout) throws InterruptedException {
    try {
      greeted.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      // Never completed exceptionally.
      return true;
    }
  }

  /** The caller's handle: closing it closes the socket and reports a normal close. */
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
      node = ComfyUiJson.MAPPER.readTree(message);
    } catch (JsonProcessingException e) {
      log.debug("ignoring a /ws message that is not JSON: {}", ComfyUiExchange.excerpt(message));
      return;
    }
    if (node == null || !node.path("type").isTextual()) {
      return;
    }
    try {
      listener.onMessage(node.get("type").asText(), node.path("data"));
    } catch (RuntimeException e) {
      log.warn("a /ws listener failed on a {} message", node.get("type").asText(), e);
    } finally {
      greeted.complete(null);
    }
  }

  private void notifyClosed(Throwable error) {
    greeted.complete(null);
    try {
      listener.onClosed(error);
    } catch (RuntimeException e) {
      log.warn("a /ws listener failed when the socket closed", e);
    }
  }
}
