package dev.comfyagent.instrument.hooks.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ComfyUiSystemStatsSourceTest {

  private FakeComfyUi comfyUi;

  @BeforeEach
  void startComfyUi() throws IOException {
    comfyUi = new FakeComfyUi();
  }

  @AfterEach
  void stopComfyUi() {
    comfyUi.close();
  }

  private ComfyUiSystemStatsSource source(Duration timeout) {
    return new ComfyUiSystemStatsSource(comfyUi.host(), comfyUi.port(), timeout, Clock.systemUTC());
  }

  @Test
  void readsVramUsedAsTotalMinusFreeWithoutUtilisation() throws Exception {
    comfyUi.serving("system_stats_cuda.json");

    GpuSample sample = source(Duration.ofSeconds(5)).read();

    assertThat(sample.source()).isEqualTo("comfyui");
    assertThat(sample.faults()).isEmpty();
    assertThat(sample.devices())
        .containsExactly(
            new GpuDeviceReading(
                0,
                "cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync",
                GpuDeviceReading.UNKNOWN,
                25386352640L - 11515314176L,
                25386352640L));
  }

  @Test
  void readsEveryGpuComfyUiReports() throws Exception {
    comfyUi.serving("system_stats_two_gpus.json");

    GpuSample sample = source(Duration.ofSeconds(5)).read();

    assertThat(sample.devices()).extracting(GpuDeviceReading::index).containsExactly(0, 1);
    assertThat(sample.select(null)).get().extracting(GpuDeviceReading::index).isEqualTo(1);
  }

  @Test
  void reportsAComfyUiOnTheCpuAsHavingNoGpu() throws Exception {
    comfyUi.serving("system_stats_cpu.json");

    GpuSample sample = source(Duration.ofSeconds(5)).read();

    assertThat(sample.devices()).isEmpty();
    assertThat(sample.faults())
        .containsExactly(
            new GpuFault(
                GpuFaultKind.NO_DEVICE,
                "ComfyUI at "
                    + comfyUi.host()
                    + ":"
                    + comfyUi.port()
                    + " reports no GPU (it runs on cpu)"));
  }

  static Stream<Arguments> badAnswers() {
    return Stream.of(
        Arguments.of(
            500,
            "{\"error\": \"boom\"}",
            GpuFaultKind.HTTP_STATUS,
            "answered /system_stats with 500"),
        Arguments.of(404, "", GpuFaultKind.HTTP_STATUS, "answered /system_stats with 404"),
        Arguments.of(
            200, "<html>ComfyUI</html>", GpuFaultKind.MALFORMED_OUTPUT, "not the expected JSON"),
        Arguments.of(
            200,
            "{\"devices\": [{\"name\": \"cuda:0\"",
            GpuFaultKind.MALFORMED_OUTPUT,
            "not the expected JSON"),
        Arguments.of(200, "{\"system\": {}}", GpuFaultKind.MALFORMED_OUTPUT, "no devices array"),
        Arguments.of(
            200, "{\"devices\": {}}", GpuFaultKind.MALFORMED_OUTPUT, "devices is not an array"),
        Arguments.of(200, "[]", GpuFaultKind.MALFORMED_OUTPUT, "top level is not an object"),
        Arguments.of(
            200,
            "{\"devices\": [{\"name\": \"cuda:0 X\", \"type\": \"cuda\", \"index\": 0, \"vram_total\": null}]}",
            GpuFaultKind.VALUE_UNAVAILABLE,
            "vram_total or vram_free is missing"));
  }

  @ParameterizedTest
  @MethodSource("badAnswers")
  void reportsABadAnswerAsACountedFault(int status, String body, GpuFaultKind kind, String reason)
      throws Exception {
    comfyUi.answering(status, body);

    GpuSample sample = source(Duration.ofSeconds(5)).read();

    assertThat(sample.devices()).allSatisfy(device -> assertThat(device.hasMemoryUsed()).isFalse());
    assertThat(sample.faults())
        .singleElement()
        .satisfies(
            fault -> {
              assertThat(fault.kind()).isEqualTo(kind);
              assertThat(fault.message()).contains(reason);
            });
  }

  @Test
  void reportsAnUnreachableComfyUi() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    ComfyUiSystemStatsSource source =
        new ComfyUiSystemStatsSource(
            "127.0.0.1", closedPort, Duration.ofSeconds(5), Clock.systemUTC());

    GpuSample sample = source.read();

    assertThat(sample.devices()).isEmpty();
    assertThat(sample.faults())
        .singleElement()
        .satisfies(
            fault -> {
              assertThat(fault.kind()).isEqualTo(GpuFaultKind.UNREACHABLE);
              assertThat(fault.message())
                  .startsWith("ComfyUI at 127.0.0.1:" + closedPort + " is unreachable");
            });
  }

  @Test
  void givesUpOnASlowComfyUiAfterTheTimeout() throws Exception {
    comfyUi.serving("system_stats_cuda.json").delaying(5_000);

    GpuSample sample = source(Duration.ofMillis(200)).read();

    assertThat(sample.faults()).extracting(GpuFault::kind).containsExactly(GpuFaultKind.TIMEOUT);
  }

  @Test
  void anAbortEndsAReadThatWaitsOnComfyUiAtOnce() throws Exception {
    comfyUi.serving("system_stats_cuda.json").delaying(10_000);
    ComfyUiSystemStatsSource source = source(Duration.ofSeconds(10));
    CompletableFuture<Object> read =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return source.read();
              } catch (InterruptedException e) {
                return e;
              }
            });
    // the request has reached ComfyUI, which holds its answer back: the read is in flight
    assertThat(comfyUi.awaitRequest(5, TimeUnit.SECONDS)).isTrue();

    source.abort();
    // ComfyUI would answer after 10 s and the timeout is 10 s: only the abort ends it sooner
    Object outcome = read.get(5, TimeUnit.SECONDS);

    assertThat(outcome)
        .isInstanceOf(InterruptedException.class)
        .extracting(e -> ((InterruptedException) e).getMessage())
        .isEqualTo("stopped while reading /system_stats");
  }

  @Test
  void bracketsAnIpv6HostInTheAddress() {
    ComfyUiSystemStatsSource source =
        new ComfyUiSystemStatsSource("::1", 8188, Duration.ofSeconds(1), Clock.systemUTC());

    assertThat(source.address()).isEqualTo("[::1]:8188");
  }
}
