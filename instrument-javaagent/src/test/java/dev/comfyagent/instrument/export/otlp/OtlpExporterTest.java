package dev.comfyagent.instrument.export.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfyagent.instrument.export.KnownFigures;
import dev.comfyagent.instrument.record.TraceEvent;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OtlpExporterTest {

  private final KnownFigures known =
      new KnownFigures(10).calls("load_workflow", List.of(300L, 700L, 4_000L), 3);
  private final OtlpReceiver receiver;

  OtlpExporterTest() throws IOException {
    receiver = new OtlpReceiver();
  }

  @AfterEach
  void closeReceiver() {
    receiver.close();
  }

  private OtlpExporter exporter(URI endpoint, int queueSize, long intervalMillis) {
    return new OtlpExporter(
        new OtlpSettings(
            OtlpSettings.signal(endpoint, "v1/traces"),
            OtlpSettings.signal(endpoint, "v1/metrics"),
            Map.of("Authorization", "Bearer t0ken"),
            2000,
            intervalMillis,
            queueSize),
        known.reader,
        known.exportHealth);
  }

  /** An endpoint where nothing listens: a port that was free a moment ago. */
  private static URI deadEndpoint() throws IOException {
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return URI.create("http://127.0.0.1:" + closed.getLocalPort());
    }
  }

  private static TraceEvent event(int seq) {
    return new TraceEvent(
        System.currentTimeMillis(),
        "4bf92f3577b34da6a3ce929d0e0e4736",
        "load_workflow",
        1_000_000,
        true,
        null,
        seq,
        0,
        null,
        true,
        null,
        seq,
        null);
  }

  @Test
  void queuedSpansAndTheLastMetricsAreSentAtStopWithTheHeadersGiven() {
    OtlpExporter exporter = exporter(receiver.endpoint(), 2048, 60_000);
    exporter.start();
    for (int i = 1; i <= 700; i++) {
      assertThat(exporter.offer(event(i))).isTrue();
    }
    exporter.stop(5000);
    assertThat(receiver.spans()).hasSize(700);
    assertThat(receiver.traces()).as("batches of at most 512").hasSizeGreaterThanOrEqualTo(2);
    assertThat(receiver.metrics()).hasSize(1);
    assertThat(receiver.requests()).allMatch(r -> "Bearer t0ken".equals(r.authorization()));
    assertThat(known.exportHealth.spansExported()).isEqualTo(700);
    assertThat(known.exportHealth.spansDropped()).isZero();
    assertThat(known.exportHealth.metricExports()).isEqualTo(1);
  }

  @Test
  void metricsAreSentEveryInterval() throws InterruptedException {
    OtlpExporter exporter = exporter(receiver.endpoint(), 16, 150);
    exporter.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (receiver.metrics().size() < 3 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    exporter.stop(2000);
    assertThat(receiver.metrics().size()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void a503WithRetryAfterIsSentAgainAfterTheTimeTheCollectorAsked() {
    receiver.thenAnswer(503, 1);
    OtlpExporter exporter = exporter(receiver.endpoint(), 2048, 60_000);
    exporter.start();
    for (int i = 1; i <= 600; i++) {
      exporter.offer(event(i));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (known.exportHealth.spansExported() < 512 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    exporter.stop(5000);
    List<OtlpReceiver.Request> traces =
        receiver.requests().stream().filter(r -> r.path().equals("/v1/traces")).toList();
    assertThat(traces.get(0).body()).isEqualTo(traces.get(1).body());
    assertThat(traces.get(1).atNanos() - traces.get(0).atNanos())
        .as("Retry-After: 1 was honoured")
        .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(950));
    assertThat(known.exportHealth.retries()).isEqualTo(1);
    assertThat(known.exportHealth.spansExported()).isEqualTo(600);
    assertThat(known.exportHealth.spansDropped()).isZero();
    assertThat(receiver.spans()).hasSize(600);
  }

  @Test
  void aRefusalOtherThanOverloadIsNotRetriedAndItsSpansAreCountedAsDropped() {
    receiver.thenAnswer(400, -1);
    OtlpExporter exporter = exporter(receiver.endpoint(), 2048, 60_000);
    exporter.start();
    for (int i = 1; i <= 10; i++) {
      exporter.offer(event(i));
    }
    exporter.stop(5000);
    assertThat(receiver.requests().stream().filter(r -> r.path().equals("/v1/traces"))).hasSize(1);
    assertThat(known.exportHealth.spansDropped()).isEqualTo(10);
    assertThat(known.exportHealth.traceRequestsFailed()).isEqualTo(1);
    assertThat(known.exportHealth.lastError()).startsWith("HTTP 400");
  }

  @Test
  void aDeadEndpointNeverMakesOfferWaitAndEverySpanIsSentOrCountedAsDropped() throws Exception {
    URI dead = deadEndpoint();
    OtlpExporter exporter = exporter(dead, 100, 60_000);
    exporter.start();
    int accepted = 0;
    for (int i = 1; i <= 10_000; i++) {
      if (exporter.offer(event(i))) {
        accepted++;
      }
    }
    assertThat(accepted).as("the queue holds what it can").isBetween(100, 10_000);
    long stopStart = System.nanoTime();
    exporter.stop(1000);
    assertThat(System.nanoTime() - stopStart)
        .as("stop keeps to its budget")
        .isLessThan(TimeUnit.SECONDS.toNanos(3));
    assertThat(known.exportHealth.spansExported()).isZero();
    assertThat(known.exportHealth.spansDropped() + exporter.queued()).isEqualTo(10_000);
  }

  @Test
  void aRefusedConnectionAtExitIsNotRetriedSoTheHostExitsAtOnce() throws Exception {
    URI dead = deadEndpoint();
    OtlpExporter exporter = exporter(dead, 100, 60_000);
    exporter.start();
    for (int i = 1; i <= 10; i++) {
      exporter.offer(event(i)); // held for the span delay: sent by the flush at stop
    }
    exporter.stop(5000);
    assertThat(known.exportHealth.retries()).as("no retry within the exit budget").isZero();
    assertThat(known.exportHealth.spansDropped()).isEqualTo(10);
    assertThat(known.exportHealth.traceRequestsFailed()).isEqualTo(1);
    assertThat(known.exportHealth.metricRequestsFailed()).isEqualTo(1);
    assertThat(known.exportHealth.lastError()).contains("not retried at exit");
  }

  @Test
  void retryAfterIsReadAsSecondsOrAnHttpDate() {
    assertThat(OtlpSender.retryAfterMillis("3")).isEqualTo(3000);
    assertThat(OtlpSender.retryAfterMillis(null)).isEqualTo(-1);
    assertThat(OtlpSender.retryAfterMillis("soon")).isEqualTo(-1);
    assertThat(OtlpSender.retryAfterMillis("Wed, 21 Oct 2015 07:28:00 GMT")).isZero();
  }

  @Test
  void aPartialSuccessCountsTheRejectedSpans() {
    assertThat(
            OtlpExporter.rejected(
                "{\"partialSuccess\":{\"rejectedSpans\":\"3\"}}", "rejectedSpans"))
        .isEqualTo(3);
    assertThat(OtlpExporter.rejected("{\"partialSuccess\":{\"rejectedSpans\":4}}", "rejectedSpans"))
        .isEqualTo(4);
    assertThat(OtlpExporter.rejected("{}", "rejectedSpans")).isZero();
    assertThat(OtlpExporter.rejected("not json rejectedSpans", "rejectedSpans")).isZero();
  }
}
