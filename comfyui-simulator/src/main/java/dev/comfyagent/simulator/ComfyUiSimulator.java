package dev.comfyagent.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A ComfyUI <b>simulator</b>: an HTTP + WebSocket server that answers ComfyUI's API with ComfyUI's
 * real response shapes ({@code /system_stats}, {@code /object_info}, {@code /models}, {@code
 * /prompt} with ComfyUI's validation and {@code node_errors}, {@code /history}, {@code /queue},
 * {@code /interrupt}, {@code /view}, and the {@code /ws} message sequence of a run), so that the
 * runtime can be tested and demonstrated without a GPU. It renders nothing: "images" are small
 * generated PNGs, and a run is a sequence of messages paced by a step delay.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * try (ComfyUiSimulator comfy = ComfyUiSimulator.builder().port(0).stepDelay(Duration.ofMillis(2)).start()) {
 *   URI base = comfy.baseUri();                    // http://127.0.0.1:<port>
 *   comfy.failNextRequests("/prompt", 1, 500);     // the next POST /prompt answers 500
 *   comfy.failAtNode("3", "torch.OutOfMemoryError", "Allocation on device");
 *   comfy.goDown(); comfy.comeBackUp();            // refuse connections (port kept), then accept again
 *   comfy.crash(); comfy.comeBackUp();             // die mid-render, restart knowing nothing
 *   comfy.requestCount("/history");                // how often a path was asked (without /api)
 * }
 * }</pre>
 *
 * <p>Fault paths are prefixes of the request path without {@code /api}: {@code "/history"} also
 * matches {@code /history/<id>}, {@code "/"} matches everything.
 *
 * <p>Thread-safe: the control methods may be called from any thread while requests are served.
 */
public final class ComfyUiSimulator implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ComfyUiSimulator.class);

  private final Server server;
  private final ServerConnector connector;
  private final String host;
  private final Faults faults;
  private final FaultInjector injector;
  private final EventChannel events;
  private final PromptRunner runner;
  private final PromptQueue queue;
  private final ModelLibrary models;
  private final NodeTypes nodeTypes;
  private final Thread worker;
  private final boolean holdsPortWhileDown;
  // Guards going down and coming back up, and the hold; private so callers cannot hold it.
  private final Object availability = new Object();
  // The port while down, where it is held (see PortHold); null while up.
  private PortHold hold;
  private volatile boolean up;
  private volatile int port;

  private ComfyUiSimulator(Builder builder) throws Exception {
    ObjectMapper json = new ObjectMapper();
    this.host = builder.host;
    this.faults = new Faults();
    this.models = new ModelLibrary();
    this.nodeTypes = new NodeTypes(json, models);
    this.queue = new PromptQueue();
    this.events = new EventChannel(json);
    RenderedImages images = new RenderedImages();
    this.runner = new PromptRunner(queue, events, faults, nodeTypes, images, builder.stepDelay);
    runner.previews(builder.previews);

    QueuedThreadPool threads = new QueuedThreadPool(64, 4);
    threads.setName("comfyui-simulator-http");
    threads.setDaemon(true);
    this.server = new Server(threads);
    // No acceptor threads: the selector accepts. Stopping the connector then closes the listening
    // socket before it returns; a blocking acceptor thread instead keeps the socket listening until
    // it is woken and leaves accept(), so that a client could still connect right after goDown()
    // (and then be cut or left unanswered), and a stale acceptor could disturb comeBackUp().
    this.connector = new ServerConnector(server, 0, -1);
    connector.setHost(host);
    connector.setPort(builder.port);
    // The listener must share its port with the hold (SO_REUSEPORT, see PortHold). Only a port the
    // system picks is held while down: a port the caller names keeps a plain listener, so that a
    // second simulator started on it fails instead of sharing it.
    this.holdsPortWhileDown = builder.port == 0 && PortHold.SUPPORTED;
    connector.setReusePort(holdsPortWhileDown);
    server.addConnector(connector);

    ComfyApi api = new ComfyApi(json, nodeTypes, models, queue, runner, images, this::port);
    WebSocketUpgradeHandler sockets =
        WebSocketUpgradeHandler.from(
            server,
            container -> {
              container.setIdleTimeout(Duration.ofHours(1));
              for (String path : new String[] {"/ws", "/api/ws"}) {
                container.addMapping(
                    path,
                    (upgrade, upgradeResponse, callback) ->
                        new ClientSocket(
                            Request.extractQueryParameters(upgrade).getValue("clientId"),
                            events,
                            queue,
                            runner,
                            faults));
              }
            });
    sockets.setHandler(api);
    this.injector = new FaultInjector(faults, sockets);
    server.setHandler(injector);
    server.setStopTimeout(0);
    server.start();
    this.port = connector.getLocalPort();
    this.up = true;

    this.worker = new Thread(runner, "comfyui-simulator-worker");
    worker.setDaemon(true);
    worker.start();
    log.info(
        "[simulator] ComfyUI simulator (not ComfyUI: renders nothing) listening on http://{}:{}",
        host,
        port);
  }

  /** Starts a simulator on 127.0.0.1 at {@code port} (0 picks a free one), no step delay. */
  public static ComfyUiSimulator start(int port) {
    return builder().port(port).start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Settings of a simulator to start. Not thread-safe. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port = 0;
    private Duration stepDelay = Duration.ZERO;
    private boolean previews = true;

    private Builder() {}

    /** The address to listen on; default 127.0.0.1, like ComfyUI without {@code --listen}. */
    public Builder host(String value) {
      this.host = Objects.requireNonNull(value, "host");
      return this;
    }

    /** The port; 0 (the default) picks a free one, see {@link ComfyUiSimulator#port()}. */
    public Builder port(int value) {
      if (value < 0 || value > 65535) {
        throw new IllegalArgumentException("port must be 0..65535, got " + value);
      }
      this.port = value;
      return this;
    }

    /** How long each node, and each sampler step, takes; default none. */
    public Builder stepDelay(Duration value) {
      if (value.isNegative()) {
        throw new IllegalArgumentException("step delay must not be negative");
      }
      this.stepDelay = value;
      return this;
    }

    /** Whether samplers send binary preview frames on {@code /ws}; default true. */
    public Builder previews(boolean value) {
      this.previews = value;
      return this;
    }

    /**
     * Starts the simulator.
     *
     * @throws IllegalStateException when the port cannot be bound
     */
    public ComfyUiSimulator start() {
      try {
        return new ComfyUiSimulator(this);
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(
            "cannot start the ComfyUI simulator on " + host + ":" + port + ": " + e, e);
      }
    }
  }

  /** The port it listens on. */
  public int port() {
    return port;
  }

  /** The address it listens on. */
  public String host() {
    return host;
  }

  /** {@code http://host:port}. */
  public URI baseUri() {
    return URI.create("http://" + host + ":" + port);
  }

  // ---- execution ----------------------------------------------------------------------------

  /** Changes how long each node and each sampler step takes, from the next step on. */
  public void setStepDelay(Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("step delay must not be negative");
    }
    runner.stepDelay(delay);
  }

  /** Holds the worker before its next node or step until {@link #resumeExecution()}. */
  public void pauseExecution() {
    faults.paused(true);
  }

  public void resumeExecution() {
    faults.paused(false);
  }

  /** Forgets cached node outputs, so the next prompt runs every node. */
  public void clearCache() {
    runner.clearCache();
  }

  /** Prompts queued or running now. */
  public int queueRemaining() {
    return queue.remaining();
  }

  // ---- faults -------------------------------------------------------------------------------

  /** The next {@code count} requests, whatever their path, answer {@code status}. */
  public void failNextRequests(int count, int status) {
    failNextRequests("/", count, status);
  }

  /** The next {@code count} requests under {@code path} answer {@code status}. */
  public void failNextRequests(String path, int count, int status) {
    faults.add(new Faults.HttpFault(path, Faults.Kind.STATUS, status, Duration.ZERO), count);
  }

  /** The next {@code count} requests under {@code path} answer 200 with a truncated JSON body. */
  public void answerMalformedJson(String path, int count) {
    faults.add(new Faults.HttpFault(path, Faults.Kind.MALFORMED_JSON, 200, Duration.ZERO), count);
  }

  /** The next {@code count} requests under {@code path} are answered after {@code delay}. */
  public void delayNextRequests(String path, int count, Duration delay) {
    faults.add(new Faults.HttpFault(path, Faults.Kind.DELAY, 200, delay), count);
  }

  /** Every request is answered after {@code delay} (zero to stop). */
  public void setResponseDelay(Duration delay) {
    faults.responseDelay(delay);
  }

  /**
   * The next prompt that reaches {@code nodeIdOrClassType} fails there with ComfyUI's {@code
   * execution_error}, e.g. {@code failAtNode("KSampler", "torch.OutOfMemoryError", "Allocation on
   * device")}.
   */
  public void failAtNode(String nodeIdOrClassType, String exceptionType, String message) {
    faults.failAtNode(new Faults.NodeFailure(nodeIdOrClassType, exceptionType, message));
  }

  /** The next run cuts its client's WebSocket right after its first node starts. */
  public void dropWebSocketInNextRun() {
    faults.dropSocketInNextRuns(1);
  }

  /**
   * Registers each WebSocket opened from now on under its client id only {@code delay} after its
   * upgrade was answered; messages for that client id sent meanwhile are dropped (as ComfyUI drops
   * messages for a client id it does not know). Shows whether a client waits for the socket's first
   * message ({@code status}, sent once registered) before it queues a prompt. {@link Duration#ZERO}
   * turns it off.
   */
  public void registerWebSocketsLate(Duration delay) {
    faults.socketRegistrationDelay(delay);
  }

  /** Cuts every open WebSocket now. */
  public void dropWebSockets() {
    events.dropAll();
  }

  /**
   * Whether {@link #goDown()} keeps the port bound to this simulator, so that no other server can
   * listen on it meanwhile: true for a port the system picked ({@code port(0)}) where the platform
   * has {@code SO_REUSEPORT} (Linux, macOS); false for a port the caller named, and on Windows.
   */
  public boolean holdsPortWhileDown() {
    return holdsPortWhileDown;
  }

  /**
   * Stops accepting connections and cuts open ones, as a ComfyUI that is not running: a client's
   * connection attempt is refused at once. Where {@link #holdsPortWhileDown()}, the port stays
   * bound to this simulator without listening, so no other process (another build's server given a
   * port of the system's choosing, say) can take it and leave a client waiting for an answer
   * instead of being refused; {@link #comeBackUp()} listens on it again.
   *
   * @throws IllegalStateException when the port cannot be held or the listener not closed; {@link
   *     #isUp()} then stays true
   */
  public void goDown() {
    synchronized (availability) {
      if (!up) {
        return;
      }
      events.dropAll();
      PortHold held = holdsPortWhileDown ? holdPort() : null;
      try {
        connector.stop();
      } catch (Exception e) {
        letGo(held);
        throw new IllegalStateException("cannot stop the simulator's connector", e);
      }
      hold = held;
      up = false;
      log.info(
          "[simulator] down: refusing connections on port {}{}",
          port,
          held == null ? "" : " (port held)");
    }
  }

  private PortHold holdPort() {
    try {
      return PortHold.bindBeside(new InetSocketAddress(host, port));
    } catch (IOException e) {
      throw new IllegalStateException("cannot hold port " + port + " while down", e);
    }
  }

  private static void letGo(PortHold held) {
    if (held == null) {
      return;
    }
    try {
      held.close();
    } catch (IOException e) {
      log.warn("[simulator] cannot let the held port go: {}", e.toString());
    }
  }

  /**
   * Goes down as a ComfyUI whose process died: connections are refused and open ones cut, the
   * running prompt stops where it is without a history entry, and the queue, the history and the
   * cache are gone; {@link #comeBackUp()} then answers as a ComfyUI started again, knowing none of
   * the earlier prompts. (Contrast {@link #goDown()}: a network outage, after which the prompt has
   * gone on rendering.)
   */
  public void crash() {
    synchronized (availability) {
      goDown();
      runner.crash();
      queue.forgetAll();
      // A paused worker must wake to notice that its prompt is gone.
      faults.clear();
      try {
        queue.awaitNothingRunning();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while crashing the simulator", e);
      }
      queue.forgetAll();
      log.info("[simulator] crashed: the running prompt, the queue and the history are lost");
    }
  }

  /** Accepts connections again on the same port. */
  public void comeBackUp() {
    synchronized (availability) {
      if (up) {
        return;
      }
      connector.setPort(port);
      Exception last = null;
      for (int attempt = 0; attempt < 100; attempt++) {
        try {
          connector.start();
          last = null;
          break;
        } catch (Exception e) {
          last = e;
          // A port that was not held may be taken for a moment by another socket; waiting under
          // the lock is intended: nothing else may change availability meanwhile.
          if (!pause(Duration.ofMillis(50))) {
            break;
          }
        }
      }
      if (last != null) {
        throw new IllegalStateException("cannot listen on port " + port + " again", last);
      }
      // Only now, with the new listener bound beside it, so that the port is never free.
      letGo(hold);
      hold = null;
      up = true;
      log.info("[simulator] up again on port {}", port);
    }
  }

  private static boolean pause(Duration duration) {
    try {
      TimeUnit.MILLISECONDS.sleep(duration.toMillis());
      return true;
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public boolean isUp() {
    return up;
  }

  /** Disarms every fault and resumes a paused worker. */
  public void clearFaults() {
    faults.clear();
  }

  // ---- observation and data -----------------------------------------------------------------

  /** Requests received for exactly this path (without {@code /api}), faults included. */
  public long requestCount(String path) {
    return injector.count(path);
  }

  /** Requests received by path, sorted by path. */
  public Map<String, Long> requestCounts() {
    return injector.counts();
  }

  public void resetRequestCounts() {
    injector.resetCounts();
  }

  /** WebSocket clients connected now. */
  public int webSocketClients() {
    return events.size();
  }

  /** Whether a client id has a WebSocket open now. */
  public boolean isWebSocketConnected(String clientId) {
    return events.isConnected(clientId);
  }

  /** Number of node types in {@code /object_info}. */
  public int nodeTypeCount() {
    return nodeTypes.size();
  }

  /** Adds a model file (it appears in {@code /models/{folder}} and in loader choices). */
  public void addModel(String folder, String fileName) {
    models.add(folder, fileName);
  }

  public boolean removeModel(String folder, String fileName) {
    return models.remove(folder, fileName);
  }

  /** Adds an image to the input directory (a choice of {@code LoadImage}). */
  public void addInputImage(String fileName) {
    models.addInputFile(fileName);
  }

  /**
   * Stops the server and the worker, and lets a held port go; queued prompts are dropped.
   * Idempotent.
   */
  @Override
  public void close() {
    runner.stop();
    worker.interrupt();
    faults.clear();
    try {
      server.stop();
    } catch (Exception e) {
      log.warn("[simulator] error while stopping: {}", e.toString());
    }
    synchronized (availability) {
      letGo(hold);
      hold = null;
      up = false;
    }
  }
}
