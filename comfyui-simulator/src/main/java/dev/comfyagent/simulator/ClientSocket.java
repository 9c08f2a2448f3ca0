package dev.comfyagent.simulator;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.UUID;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code /ws?clientId=} connection. On open it registers under the client id (a new random id
 * when none was given, as ComfyUI does), sends {@code status} with the queue and the {@code sid},
 * and, when this client's prompt is running, the node running now. Incoming messages are ignored.
 */
public final class ClientSocket implements Session.Listener.AutoDemanding {

  private static final Logger log = LoggerFactory.getLogger(ClientSocket.class);

  private final String clientId;
  private final EventChannel events;
  private final PromptQueue queue;
  private final PromptRunner runner;
  private final Faults faults;
  private volatile Session session;

  ClientSocket(
      String requestedId,
      EventChannel events,
      PromptQueue queue,
      PromptRunner runner,
      Faults faults) {
    this.clientId =
        requestedId == null || requestedId.isEmpty()
            ? UUID.randomUUID().toString().replace("-", "")
            : requestedId;
    this.events = events;
    this.queue = queue;
    this.runner = runner;
    this.faults = faults;
  }

  @Override
  public void onWebSocketOpen(Session openedSession) {
    // Jetty has answered the upgrade already: until the socket is registered below, messages for
    // its client id are dropped, as ComfyUI drops messages for an id it does not know.
    Duration late = faults.socketRegistrationDelay();
    if (!late.isZero()) {
      try {
        Thread.sleep(late.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    this.session = openedSession;
    events.register(clientId, openedSession);
    log.debug("[simulator] WebSocket client {} connected", clientId);
    ObjectNode data = JsonNodeFactory.instance.objectNode();
    data.putObject("status").putObject("exec_info").put("queue_remaining", queue.remaining());
    data.put("sid", clientId);
    events.send(clientId, "status", data);
    queue
        .running()
        .filter(item -> clientId.equals(item.clientId()))
        .flatMap(item -> runner.currentNode())
        .ifPresent(
            node -> {
              ObjectNode executing = JsonNodeFactory.instance.objectNode();
              executing.put("node", node);
              events.send(clientId, "executing", executing);
            });
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason, Callback callback) {
    Session closed = session;
    if (closed != null) {
      events.unregister(clientId, closed);
    }
    callback.succeed();
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    Session failed = session;
    if (failed != null) {
      events.unregister(clientId, failed);
    }
  }
}
