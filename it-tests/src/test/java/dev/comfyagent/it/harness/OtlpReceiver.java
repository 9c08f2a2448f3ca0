package dev.comfyagent.it.harness;

import com.google.protobuf.ByteString;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A collector on loopback for tests: answers OTLP/HTTP JSON requests with scripted statuses and
 * decodes every request it accepts with the official {@code io.opentelemetry.proto} classes and
 * protobuf's JSON parser (a request that does not parse fails the test that reads it).
 *
 * <p>OTLP/JSON writes trace and span ids as hex where the protobuf JSON mapping has base64; the
 * parser reads the hex as base64, so {@link #hex} encodes the parsed bytes back to get the text the
 * agent sent.
 */
public final class OtlpReceiver implements AutoCloseable {

  /** One request as received, and the status it was answered with. */
  public record Request(String path, long atNanos, String body, String authorization, int status) {

    public boolean accepted() {
      return status >= 200 && status < 300;
    }
  }

  private final HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<int[]> script = new ConcurrentLinkedQueue<>();

  public OtlpReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            String body =
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int[] next = script.poll();
            int status = next == null ? 200 : next[0];
            requests.add(
                new Request(
                    exchange.getRequestURI().getPath(),
                    System.nanoTime(),
                    body,
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    status));
            if (next != null && next[1] >= 0) {
              exchange.getResponseHeaders().set("Retry-After", Integer.toString(next[1]));
            }
            byte[] answer = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
          }
        });
    server.start();
  }

  /** The next request gets {@code status}, with {@code Retry-After: retryAfterSeconds} if >= 0. */
  public OtlpReceiver thenAnswer(int status, int retryAfterSeconds) {
    script.add(new int[] {status, retryAfterSeconds});
    return this;
  }

  /** The base URL to give as {@code otlp.endpoint}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** Every trace request that was accepted, decoded. */
  public List<ExportTraceServiceRequest> traces() {
    List<ExportTraceServiceRequest> decoded = new ArrayList<>();
    for (Request r : requests) {
      if (r.path().equals("/v1/traces") && r.accepted()) {
        decoded.add(parseTraces(r.body()));
      }
    }
    return decoded;
  }

  /** Every span of every accepted trace request. */
  public List<Span> spans() {
    List<Span> spans = new ArrayList<>();
    for (ExportTraceServiceRequest request : traces()) {
      request
          .getResourceSpansList()
          .forEach(rs -> rs.getScopeSpansList().forEach(ss -> spans.addAll(ss.getSpansList())));
    }
    return spans;
  }

  /** Every metrics request that was accepted, decoded. */
  public List<ExportMetricsServiceRequest> metrics() {
    List<ExportMetricsServiceRequest> decoded = new ArrayList<>();
    for (Request r : requests) {
      if (r.path().equals("/v1/metrics") && r.accepted()) {
        decoded.add(parseMetrics(r.body()));
      }
    }
    return decoded;
  }

  public static ExportTraceServiceRequest parseTraces(String json) {
    ExportTraceServiceRequest.Builder builder = ExportTraceServiceRequest.newBuilder();
    try {
      JsonFormat.parser().merge(json, builder);
    } catch (IOException e) {
      throw new AssertionError("not OTLP/JSON traces: " + e.getMessage() + "\n" + json, e);
    }
    return builder.build();
  }

  public static ExportMetricsServiceRequest parseMetrics(String json) {
    ExportMetricsServiceRequest.Builder builder = ExportMetricsServiceRequest.newBuilder();
    try {
      JsonFormat.parser().merge(json, builder);
    } catch (IOException e) {
      throw new AssertionError("not OTLP/JSON metrics: " + e.getMessage() + "\n" + json, e);
    }
    return builder.build();
  }

  /** The hex id the agent wrote, from the bytes protobuf's parser read as base64. */
  public static String hex(ByteString parsed) {
    return parsed.isEmpty() ? "" : Base64.getEncoder().encodeToString(parsed.toByteArray());
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
