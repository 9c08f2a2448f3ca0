package dev.comfyagent.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open {@code /ws} sockets by client id, and sending ComfyUI's messages on them: JSON text
 * frames {@code {"type": ..., "data": ...}} to one client or to all, and binary preview frames
 * (4-byte big-endian event type, 4-byte image type, image bytes) as ComfyUI sends them.
 *
 * <p>As in ComfyUI, a client that connects with a client id already in use replaces the older
 * socket, and a message for a client that is not connected is dropped.
 *
 * <p>Thread-safe: sends to one socket are serialized.
 */
final class EventChannel {

  private static final Logger log = LoggerFactory.getLogger(EventChannel.class);

  /** ComfyUI's {@code BinaryEventTypes.PREVIEW_IMAGE}. */
  static final int PREVIEW_IMAGE = 1;

  /** Image type 2 in a preview frame: PNG (1 is JPEG). */
  static final int PNG = 2;

  private final ObjectMapper json;
  private final Map<String, Session> sockets = new ConcurrentHashMap<>();

  EventChannel(ObjectMapper json) {
    this.json = json;
  }

  void register(String clientId, Session session) {
    Session previous = sockets.put(clientId, session);
    if (previous != null && previous != session) {
      previous.close();
    }
  }

  void unregister(String clientId, Session session) {
    sockets.remove(clientId, session);
  }

  /** Sends one JSON message to {@code clientId}, or to every socket when it is {@code null}. */
  void send(String clientId, String type, ObjectNode data) {
    ObjectNode message = json.createObjectNode();
    message.put("type", type);
    message.set("data", data);
    String text;
    try {
      text = json.writeValueAsString(message);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    for (Session session : targets(clientId)) {
      synchronized (session) {
        Callback.Completable done = new Callback.Completable();
        session.sendText(text, done);
        await(done);
      }
    }
  }

  /** Sends a binary preview frame: clients must skip it or decode it, never choke on it. */
  void sendPreview(String clientId, byte[] image) {
    ByteBuffer frame = ByteBuffer.allocate(8 + image.length);
    frame.putInt(PREVIEW_IMAGE).putInt(PNG).put(image).flip();
    for (Session session : targets(clientId)) {
      synchronized (session) {
        Callback.Completable done = new Callback.Completable();
        session.sendBinary(frame.duplicate(), done);
        await(done);
      }
    }
  }

  /**
   * Cuts a client's socket mid-stream: a "going away" close frame (1001, what a restarting server
   * or proxy sends) and then the connection. A bare TCP abort would be closer to a crash, but the
   * JDK defers closing a selector-registered channel until the selector wakes, which makes such a
   * drop arrive at an unpredictable time.
   */
  void drop(String clientId) {
    Session session = clientId == null ? null : sockets.remove(clientId);
    if (session != null) {
      log.info("[simulator] dropping the WebSocket of client {}", clientId);
      synchronized (session) {
        Callback.Completable closed = new Callback.Completable();
        session.close(StatusCode.SHUTDOWN, "ComfyUI simulator: connection dropped", closed);
        await(closed);
      }
      session.disconnect();
    }
  }

  /** Cuts every socket. */
  void dropAll() {
    for (String clientId : List.copyOf(sockets.keySet())) {
      drop(clientId);
    }
  }

  /** Whether a client has a socket open now. */
  boolean isConnected(String clientId) {
    Session session = sockets.get(clientId);
    return session != null && session.isOpen();
  }

  int size() {
    return sockets.size();
  }

  private List<Session> targets(String clientId) {
    if (clientId == null) {
      return List.copyOf(sockets.values());
    }
    Session session = sockets.get(clientId);
    return session == null ? List.of() : List.of(session);
  }

  private static void await(Callback.Completable done) {
    try {
      done.get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // A client that went away is ComfyUI's "send error" warning, not a failure of the run.
      log.debug("[simulator] WebSocket send failed: {}", e.toString());
    }
  }
}
