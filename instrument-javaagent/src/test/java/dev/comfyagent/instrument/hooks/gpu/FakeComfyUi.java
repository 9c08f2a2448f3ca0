package dev.comfyagent.instrument.hooks.gpu;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JDK HttpServer answering {@code GET /system_stats} with a chosen status and body, for the
 * ComfyUI fallback. Closing it frees the port.
 */
final class FakeComfyUi implements AutoCloseable {

  private final HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();
  private volatile int status = 200;
  private volatile byte[] body = new byte[0];
  private volatile long delayMillis;
  private final CountDownLatch released = new CountDownLatch(1);
  private final CountDownLatch received = new CountDownLatch(1);

  FakeComfyUi() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/system_stats",
        exchange -> {
          requests.incrementAndGet();
          received.countDown();
          try {
            if (delayMillis > 0) {
              released.await(delayMillis, TimeUnit.MILLISECONDS);
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          byte[] answer = body;
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
          }
        });
    server.start();
  }

  /** Answers with the given test resource (under this package) and status 200. */
  FakeComfyUi serving(String resource) {
    try (InputStream in = FakeComfyUi.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + resource);
      }
      return answering(200, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Answers with the given status and body. */
  FakeComfyUi answering(int newStatus, String newBody) {
    status = newStatus;
    body = newBody.getBytes(StandardCharsets.UTF_8);
    return this;
  }

  /** Waits this long before answering. */
  FakeComfyUi delaying(long millis) {
    delayMillis = millis;
    return this;
  }

  String host() {
    return server.getAddress().getAddress().getHostAddress();
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** Waits until a request has arrived (its answer may still be held back by a delay). */
  boolean awaitRequest(long timeout, TimeUnit unit) throws InterruptedException {
    return received.await(timeout, unit);
  }

  int requests() {
    return requests.get();
  }

  @Override
  public void close() {
    released.countDown();
    server.stop(0);
  }
}
