package dev.comfyagent.instrument.export.prometheus;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.comfyagent.instrument.config.HostPort;
import dev.comfyagent.instrument.export.figures.ExportHealth;
import dev.comfyagent.instrument.export.figures.FiguresReader;
import dev.comfyagent.instrument.record.AgentHealth;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves {@code /metrics} for Prometheus with the JDK's own HTTP server ({@code
 * com.sun.net.httpserver}, module {@code jdk.httpserver}): OpenMetrics or Prometheus text by the
 * request's {@code Accept} header ({@link ExpositionFormat}).
 *
 * <p>A scrape runs on the endpoint's single daemon thread and reads the figures as {@code
 * get_agent_stats} does ({@link FiguresReader}); tool calls never wait for it and it allocates
 * nothing on their threads. Only {@code GET} and {@code HEAD} of {@code /metrics} are answered;
 * anything else gets 404 or 405.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * MetricsEndpoint endpoint = MetricsEndpoint.start(new HostPort("127.0.0.1", 9464), reader, ...);
 * int port = endpoint.port();
 * endpoint.stop();
 * }</pre>
 *
 * <p>Start it from a daemon thread: the server's dispatcher thread takes the daemon status of the
 * thread that starts it, and a non-daemon one would keep the JVM alive after the host's {@code
 * main} returned.
 *
 * <p>Thread-safe.
 */
public final class MetricsEndpoint {

  /** The module that holds the HTTP server: absent from some jlink images. */
  public static final String MODULE = "jdk.httpserver";

  private final HttpServer server;
  private final ExecutorService executor;
  private final FiguresReader reader;
  private final ExportHealth exportHealth;
  private final AgentHealth health;
  private final StringBuilder text = new StringBuilder(16 * 1024);

  private MetricsEndpoint(
      HttpServer server,
      ExecutorService executor,
      FiguresReader reader,
      ExportHealth exportHealth,
      AgentHealth health) {
    this.server = server;
    this.executor = executor;
    this.reader = reader;
    this.exportHealth = exportHealth;
    this.health = health;
  }

  /**
   * Listens on {@code address} and serves {@code /metrics}.
   *
   * @throws IOException when the address cannot be resolved or bound (in use, not local)
   */
  public static MetricsEndpoint start(
      HostPort address, FiguresReader reader, ExportHealth exportHealth, AgentHealth health)
      throws IOException {
    InetSocketAddress socket = new InetSocketAddress(address.host(), address.port());
    if (socket.isUnresolved()) {
      throw new IOException("cannot resolve " + address.host());
    }
    HttpServer server = HttpServer.create(socket, 16);
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread thread = new Thread(task, "comfyagent-metrics-http");
              thread.setDaemon(true);
              return thread;
            });
    MetricsEndpoint endpoint = new MetricsEndpoint(server, executor, reader, exportHealth, health);
    server.createContext("/", endpoint::handle);
    server.setExecutor(executor);
    server.start();
    return endpoint;
  }

  /** The port listened on (the one the system chose when 0 was asked for). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The address listened on, as {@code host:port}. */
  public String address() {
    InetSocketAddress bound = server.getAddress();
    String host = bound.getAddress().getHostAddress();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + bound.getPort();
  }

  /** Stops listening at once. */
  public void stop() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      if (!"/metrics".equals(path)) {
        reply(
            exchange, 404, "text/plain; charset=utf-8", "not found: the figures are at /metrics\n");
        return;
      }
      if (!"GET".equals(method) && !"HEAD".equals(method)) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        reply(exchange, 405, "text/plain; charset=utf-8", "only GET and HEAD\n");
        return;
      }
      ExpositionFormat format =
          ExpositionFormat.forAccept(exchange.getRequestHeaders().getFirst("Accept"));
      String body;
      synchronized (text) {
        text.setLength(0);
        Exposition.write(reader.read(), reader.sources().identity(), format, text);
        body = text.toString();
      }
      exportHealth.scraped();
      reply(exchange, 200, format.contentType(), "HEAD".equals(method) ? null : body);
    } catch (IOException e) {
      // the scraper went away mid-answer: its business, not a failure of the agent
    } catch (RuntimeException e) {
      health.internalError("answering a scrape of /metrics", e);
    }
  }

  private static void reply(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    if (body == null) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
