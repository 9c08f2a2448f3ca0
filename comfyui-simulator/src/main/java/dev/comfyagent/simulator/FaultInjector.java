package dev.comfyagent.simulator;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outermost handler: counts every request by path (without {@code /api}), then applies the
 * armed {@link Faults} — a delay, an error status, a malformed JSON body — before the request
 * reaches the WebSocket upgrade or the API. Faults therefore apply to {@code /ws} too.
 *
 * <p>Thread-safe.
 */
final class FaultInjector extends Handler.Wrapper {

  private static final Logger log = LoggerFactory.getLogger(FaultInjector.class);

  /** A body that starts like ComfyUI's JSON and stops mid-way, as a dying proxy would send. */
  static final String MALFORMED_JSON = "{\"prompt_id\": \"3f2c\", \"number\": 1, \"node_er";

  private final Faults faults;
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  FaultInjector(Faults faults, Handler next) {
    super(next);
    this.faults = faults;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String path = ComfyApi.routePath(request);
    counts.computeIfAbsent(path, p -> new LongAdder()).increment();
    sleep(faults.responseDelay());
    Optional<Faults.HttpFault> fault = faults.take(path);
    if (fault.isPresent()) {
      Faults.HttpFault f = fault.get();
      switch (f.kind()) {
        case DELAY -> sleep(f.delay());
        case STATUS -> {
          log.info(
              "[simulator] fault: answering {} {} with {}", request.getMethod(), path, f.status());
          return ComfyApi.text(response, callback, f.status(), statusText(f.status()));
        }
        case MALFORMED_JSON -> {
          log.info(
              "[simulator] fault: answering {} {} with malformed JSON", request.getMethod(), path);
          response.setStatus(200);
          response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
          Content.Sink.write(response, true, MALFORMED_JSON, callback);
          return true;
        }
      }
    }
    return super.handle(request, response, callback);
  }

  private static String statusText(int status) {
    return switch (status) {
      case 500 -> "500 Internal Server Error\n\nServer got itself in trouble";
      case 502 -> "502 Bad Gateway";
      case 503 -> "503 Service Unavailable";
      case 504 -> "504 Gateway Timeout";
      default -> status + " (simulated fault)";
    };
  }

  private static void sleep(Duration delay) throws InterruptedException {
    if (!delay.isZero() && !delay.isNegative()) {
      Thread.sleep(delay.toMillis());
    }
  }

  long count(String path) {
    LongAdder adder = counts.get(path);
    return adder == null ? 0 : adder.sum();
  }

  Map<String, Long> counts() {
    Map<String, Long> copy = new TreeMap<>();
    counts.forEach((path, adder) -> copy.put(path, adder.sum()));
    return copy;
  }

  void resetCounts() {
    counts.clear();
  }
}
