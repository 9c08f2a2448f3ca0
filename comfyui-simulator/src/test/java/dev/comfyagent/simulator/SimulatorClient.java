package dev.comfyagent.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A tiny ComfyUI client for the simulator's own tests: raw HTTP answers and a recorded socket. */
final class SimulatorClient {

  static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final URI base;

  SimulatorClient(ComfyUiSimulator simulator) {
    this.base = simulator.baseUri();
  }

  record Answer(int status, String body, String contentType, byte[] bytes) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  Answer get(String path) {
    return send(HttpRequest.newBuilder(base.resolve(path)).GET());
  }

  Answer post(String path, String body) {
    return send(
        HttpRequest.newBuilder(base.resolve(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  Answer postPrompt(JsonNode prompt, String clientId) {
    ObjectNode body = JSON.createObjectNode();
    body.set("prompt", prompt);
    if (clientId != null) {
      body.put("client_id", clientId);
    }
    return post("/prompt", body.toString());
  }

  private Answer send(HttpRequest.Builder request) {
    try {
      HttpResponse<byte[]> response =
          http.send(
              request.timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofByteArray());
      return new Answer(
          response.statusCode(),
          new String(response.body(), java.nio.charset.StandardCharsets.UTF_8),
          response.headers().firstValue("Content-Type").orElse(""),
          response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The history entry of a prompt once it is there (polls; a hang guard, not a timing). */
  JsonNode awaitHistory(String promptId) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      JsonNode history = get("/history/" + promptId).json();
      if (history.has(promptId)) {
        return history.get(promptId);
      }
      Thread.sleep(10);
    }
    throw new AssertionError("prompt " + promptId + " never reached the history");
  }

  static ObjectNode resource(String name) {
    try (InputStream in = SimulatorClient.class.getResourceAsStream(name)) {
      return (ObjectNode) JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Opens {@code /ws?clientId=} and records every text message and binary frame. */
  Socket connect(String clientId) throws Exception {
    Socket socket = new Socket();
    URI uri =
        URI.create("ws://" + base.getHost() + ":" + base.getPort() + "/ws?clientId=" + clientId);
    http.newWebSocketBuilder().buildAsync(uri, socket).get(5, TimeUnit.SECONDS);
    socket.awaitMessage(m -> m.path("type").asText().equals("status"));
    return socket;
  }

  static final class Socket implements WebSocket.Listener {
    final List<JsonNode> messages = new CopyOnWriteArrayList<>();
    final List<ByteBuffer> binaryFrames = new CopyOnWriteArrayList<>();
    final CompletableFuture<String> closed = new CompletableFuture<>();
    private final StringBuilder text = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        try {
          messages.add(JSON.readTree(text.toString()));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        text.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      ByteBuffer copy = ByteBuffer.allocate(data.remaining());
      copy.put(data).flip();
      binaryFrames.add(copy);
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete("closed " + statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.complete("error " + error);
    }

    JsonNode awaitMessage(Predicate<JsonNode> matching) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (System.nanoTime() < deadline) {
        for (JsonNode m : messages) {
          if (matching.test(m)) {
            return m;
          }
        }
        Thread.sleep(5);
      }
      throw new AssertionError("no matching message; got " + messages);
    }

    List<String> types() {
      return messages.stream().map(m -> m.path("type").asText()).toList();
    }
  }
}
