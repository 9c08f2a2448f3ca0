package dev.comfyagent.instrument.hooks.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisabledOnOs(value = OS.WINDOWS, disabledReason = "fake nvidia-smi scripts are POSIX shell")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GpuSamplerTest {

  private static final long MIB = 1024L * 1024L;
  private static final Duration HANG_GUARD = Duration.ofSeconds(20);
  private static final String RTX_4090 = "NVIDIA GeForce RTX 4090";

  @TempDir Path temp;

  private final List<String> notices = new CopyOnWriteArrayList<>();
  private GpuSampler sampler;

  @AfterEach
  void stopSampler() {
    if (sampler != null) {
      sampler.close();
    }
  }

  /** Samples every 20 ms while busy and, in effect, never while idle. */
  private static GpuSettings settings(GpuMode mode) {
    return GpuSettings.defaults()
        .withMode(mode)
        .withTiming(Duration.ofMillis(20), Duration.ofHours(1), Duration.ofSeconds(5));
  }

  private GpuSampler start(GpuSettings settings, HostEnvironment host) {
    sampler = GpuSampler.start(settings, host, notices::add);
    return sampler;
  }

  /** Waits (bounded by the hang guard) until the sampler has finished the given read. */
  private void awaitAttempt(long attempt) throws InterruptedException {
    sampler.awaitAttempt(attempt, HANG_GUARD);
    assertThat(sampler.stats().attempts()).isGreaterThanOrEqualTo(attempt);
  }

  /** Proves the thread still samples: opens a window and waits for the read that asks for. */
  private void assertStillSampling() throws InterruptedException {
    long next = sampler.nextAttempt();
    GpuWindow probe = sampler.open();
    awaitAttempt(next);
    probe.close();
  }

  @Test
  void windowReportsThePeaksOfTheSamplesTakenWhileItWasOpen() throws Exception {
    FakeNvidiaSmi fake =
        FakeNvidiaSmi.sequence(
            temp,
            "0, " + RTX_4090 + ", 5, 20000, 24564", // before the window: must not count
            "0, " + RTX_4090 + ", 98, 12697, 24564",
            "0, " + RTX_4090 + ", 40, 8000, 24564");
    start(settings(GpuMode.NVIDIA_SMI), fake.host());
    awaitAttempt(1);

    GpuWindow window = sampler.open();
    awaitAttempt(3);
    GpuReading reading = window.close();

    assertThat(reading.source()).isEqualTo("nvidia-smi");
    assertThat(reading.deviceName()).isEqualTo(RTX_4090);
    assertThat(reading.peakUtilizationPercent()).isEqualTo(98);
    assertThat(reading.peakMemoryUsedBytes()).isEqualTo(12697 * MIB);
    assertThat(reading.memoryTotalBytes()).isEqualTo(24564 * MIB);
    assertThat(reading.samples()).isGreaterThanOrEqualTo(2);
    assertThat(RenderTimeSuffix.insertAfterRenderTime("Rendered in 4.2s", reading))
        .isEqualTo("Rendered in 4.2s (GPU: 98%, VRAM: 12.4/24GB)");
  }

  @Test
  void givesAShortCallAReadingFromTheSamplesAtOpenAndClose() throws Exception {
    FakeNvidiaSmi fake = FakeNvidiaSmi.printing(temp, "0, " + RTX_4090 + ", 71, 4096, 24564");
    GpuSettings rarely =
        settings(GpuMode.NVIDIA_SMI)
            .withTiming(Duration.ofHours(1), Duration.ofHours(1), Duration.ofSeconds(5));
    start(rarely, fake.host());
    awaitAttempt(1);

    GpuReading reading = sampler.open().close();

    assertThat(reading.isSampled()).isTrue();
    assertThat(RenderTimeSuffix.describe(reading)).isEqualTo("(GPU: 71%, VRAM: 4.0/24GB)");
  }

  @Test
  void reportsTheBusiestGpuOverTheWindow() throws Exception {
    FakeNvidiaSmi fake =
        FakeNvidiaSmi.printing(
            temp, "0, NVIDIA A40, 10, 9000, 46068", "1, NVIDIA A40, 90, 500, 46068");
    start(settings(GpuMode.NVIDIA_SMI), fake.host());

    GpuReading reading = sampler.open().close();

    assertThat(reading.deviceIndex()).isEqualTo(1);
    assertThat(reading.peakUtilizationPercent()).isEqualTo(90);
    assertThat(reading.peakMemoryUsedBytes()).isEqualTo(500 * MIB);
  }

  @Test
  void prefersMoreVramWhenUtilisationIsEqual() throws Exception {
    FakeNvidiaSmi fake =
        FakeNvidiaSmi.printing(
            temp, "0, NVIDIA A40, 0, 100, 46068", "1, NVIDIA A40, 0, 30000, 46068");
    start(settings(GpuMode.NVIDIA_SMI), fake.host());

    assertThat(sampler.open().close().deviceIndex()).isEqualTo(1);
  }

  @Test
  void reportsTheGpuNamedByTheIndexOption() throws Exception {
    FakeNvidiaSmi fake =
        FakeNvidiaSmi.printing(
            temp, "0, NVIDIA A40, 10, 9000, 46068", "1, NVIDIA A40, 90, 500, 46068");
    start(settings(GpuMode.NVIDIA_SMI).withGpuIndex(0), fake.host());

    GpuReading reading = sampler.open().close();

    assertThat(reading.deviceIndex()).isEqualTo(0);
    assertThat(reading.peakUtilizationPercent()).isEqualTo(10);
    assertThat(sampler.lastReading().deviceIndex()).isEqualTo(0);
  }

  @Test
  void countsAMissingConfiguredGpuAsNoDevice() throws Exception {
    FakeNvidiaSmi fake =
        FakeNvidiaSmi.printing(
            temp, "0, NVIDIA A40, 10, 9000, 46068", "1, NVIDIA A40, 90, 500, 46068");
    start(settings(GpuMode.NVIDIA_SMI).withGpuIndex(5), fake.host());

    GpuReading reading = sampler.open().close();

    assertThat(RenderTimeSuffix.describe(reading)).isEqualTo("(GPU: n/a)");
    assertThat(sampler.stats().errorCount(GpuFaultKind.NO_DEVICE)).isPositive();
    assertThat(sampler.stats().lastError())
        .isEqualTo("no-device: gpu.index=5 but nvidia-smi lists GPUs 0, 1");
  }

  @Test
  void keepsSamplingOftenWhileAnyWindowIsOpen() throws Exception {
    FakeNvidiaSmi fake = FakeNvidiaSmi.printing(temp, "0, " + RTX_4090 + ", 50, 1000, 24564");
    start(settings(GpuMode.NVIDIA_SMI), fake.host());
    GpuWindow outer = sampler.open();
    GpuWindow inner = sampler.open();

    inner.close();
    long next = sampler.nextAttempt();
    // With the idle interval of an hour, only busy sampling can reach three more reads.
    awaitAttempt(next + 3);

    assertThat(sampler.stats().openWindows()).isEqualTo(1);
    assertThat(outer.close().samples()).isGreaterThanOrEqualTo(4);
    assertThat(sampler.stats().openWindows()).isZero();
  }

  @Test
  void returnsTheSameReadingWhenClosedTwice() throws Exception {
    FakeNvidiaSmi fake = FakeNvidiaSmi.printing(temp, "0, " + RTX_4090 + ", 50, 1000, 24564");
    start(settings(GpuMode.NVIDIA_SMI), fake.host());
    GpuWindow window = sampler.open();

    GpuReading first = window.close();

    assertThat(window.close()).isSameAs(first);
  }

  static Stream<Arguments> nvidiaSmiFaults() {
    return Stream.of(
        Arguments.of("missing", null, GpuFaultKind.NOT_FOUND, "(GPU: n/a)"),
        Arguments.of(
            "exits non-zero",
            "echo 'No devices were found'; exit 6",
            GpuFaultKind.EXIT_STATUS,
            "(GPU: n/a)"),
        Arguments.of("hangs", "exec sleep 300", GpuFaultKind.TIMEOUT, "(GPU: n/a)"),
        Arguments.of(
            "prints garbage",
            "echo 'Failed to initialize NVML: Driver/library version mismatch'",
            GpuFaultKind.MALFORMED_OUTPUT,
            "(GPU: n/a)"),
        Arguments.of(
            "prints a partial line",
            "printf '0, NVIDIA A100-SXM4-80GB, 87, 40'",
            GpuFaultKind.MALFORMED_OUTPUT,
            "(GPU: n/a)"),
        Arguments.of(
            "reads [N/A]",
            "echo '0, NVIDIA A100-SXM4-80GB, [N/A], 40960, 81920'",
            GpuFaultKind.VALUE_UNAVAILABLE,
            "(VRAM: 40.0/80GB)"),
        Arguments.of(
            "reads [Not Supported] everywhere",
            "echo '0, NVIDIA GRID T4-16Q, [Not Supported], [Not Supported], [Not Supported]'",
            GpuFaultKind.VALUE_UNAVAILABLE,
            "(GPU: n/a)"));
  }

  @ParameterizedTest(name = "nvidia-smi {0}")
  @MethodSource("nvidiaSmiFaults")
  void turnsEachNvidiaSmiFaultIntoNotAvailableAndACountedError(
      String variant, String script, GpuFaultKind kind, String suffix) throws Exception {
    HostEnvironment host =
        script == null
            ? FakeNvidiaSmi.hostWithout(Files.createDirectories(temp.resolve("empty")))
            : FakeNvidiaSmi.install(temp, script).host();
    GpuSettings settings =
        settings(GpuMode.NVIDIA_SMI)
            .withTiming(Duration.ofMillis(20), Duration.ofHours(1), Duration.ofMillis(300));
    start(settings, host);

    GpuReading reading = sampler.open().close();
    assertStillSampling();

    assertThat(RenderTimeSuffix.insertAfterRenderTime("Rendered in 1.0s", reading))
        .isEqualTo("Rendered in 1.0s " + suffix);
    GpuSamplerStats stats = sampler.stats();
    assertThat(stats.errorCount(kind)).isPositive();
    assertThat(stats.lastError()).startsWith(kind.label() + ": ");
    assertThat(stats.lastErrorAt()).isNotNull();
    assertThat(notices)
        .filteredOn(notice -> notice.contains("counted as " + kind.label()))
        .hasSize(1);
  }

  @Test
  void survivesADefectInTheSourceAndSamplesOn() throws Exception {
    AtomicInteger reads = new AtomicInteger();
    GpuSource flaky =
        new GpuSource() {
          @Override
          public String name() {
            return "nvidia-smi";
          }

          @Override
          public GpuSample read() {
            if (reads.incrementAndGet() == 1) {
              throw new IllegalStateException("bug in a source");
            }
            return new GpuSample(
                Instant.now(),
                "nvidia-smi",
                List.of(new GpuDeviceReading(0, "GPU", 33, MIB, 2 * MIB)),
                List.of());
          }
        };
    sampler = GpuSampler.start(settings(GpuMode.NVIDIA_SMI), flaky, notices::add);
    awaitAttempt(1);

    GpuReading reading = sampler.open().close();

    assertThat(reading.peakUtilizationPercent()).isEqualTo(33);
    assertThat(sampler.stats().errorCount(GpuFaultKind.INTERNAL)).isEqualTo(1);
    assertThat(sampler.stats().lastError())
        .isEqualTo("internal: GPU read failed: java.lang.IllegalStateException: bug in a source");
    assertThat(sampler.stats().samples()).isPositive();
  }

  @Test
  void closingAbortsAReadThatIgnoresInterrupts() throws Exception {
    CountDownLatch reading = new CountDownLatch(1);
    CountDownLatch aborted = new CountDownLatch(1);
    CountDownLatch returned = new CountDownLatch(1);
    GpuSource stuck =
        new GpuSource() {
          @Override
          public String name() {
            return "comfyui";
          }

          @Override
          public GpuSample read() {
            reading.countDown();
            // like a blocking socket read: deaf to interrupts, ended only by abort()
            while (true) {
              try {
                if (aborted.await(1, TimeUnit.MINUTES)) {
                  returned.countDown();
                  return new GpuSample(Instant.now(), "comfyui", List.of(), List.of());
                }
              } catch (InterruptedException e) {
                // ignored on purpose
              }
            }
          }

          @Override
          public void abort() {
            aborted.countDown();
          }
        };
    sampler = GpuSampler.start(settings(GpuMode.COMFYUI), stuck, notices::add);
    assertThat(reading.await(5, TimeUnit.SECONDS)).isTrue();

    sampler.close();

    assertThat(aborted.getCount()).isZero();
    assertThat(returned.await(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void survivesANoticeConsumerThatThrows() throws Exception {
    FakeNvidiaSmi fake = FakeNvidiaSmi.install(temp, "exit 1");
    sampler =
        GpuSampler.start(
            settings(GpuMode.NVIDIA_SMI),
            fake.host(),
            notice -> {
              throw new IllegalStateException("log is broken");
            });
    awaitAttempt(1);

    sampler.open().close();
    assertStillSampling();

    assertThat(sampler.stats().errorCount(GpuFaultKind.EXIT_STATUS)).isGreaterThanOrEqualTo(2);
  }

  @Test
  void startsNoThreadAndChangesNothingWhenOff() {
    GpuSampler off =
        GpuSampler.start(settings(GpuMode.OFF), FakeNvidiaSmi.hostWithout(temp), notices::add);

    GpuReading reading = off.open().close();

    assertThat(off.isEnabled()).isFalse();
    assertThat(Thread.getAllStackTraces().keySet())
        .extracting(Thread::getName)
        .doesNotContain(GpuSampler.THREAD_NAME);
    assertThat(reading.isDisabled()).isTrue();
    assertThat(RenderTimeSuffix.insertAfterRenderTime("Rendered in 4.2s", reading))
        .isEqualTo("Rendered in 4.2s");
    assertThat(off.lastReading().isDisabled()).isTrue();
    assertThat(off.stats().source()).isEqualTo("off");
    assertThat(off.lastSample()).isEmpty();
    off.close();
    assertThat(notices).isEmpty();
  }

  @Test
  void printsNothingOnStdoutWhateverGoesWrong() throws Exception {
    PrintStream saved = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      FakeNvidiaSmi fake =
          FakeNvidiaSmi.install(temp, "echo 'garbage on stdout'; echo 'and on stderr' >&2; exit 3");
      start(settings(GpuMode.NVIDIA_SMI), fake.host());
      sampler.open().close();
      sampler.close();
      assertThat(sampler.awaitTermination(HANG_GUARD)).isTrue();
    } finally {
      System.setOut(saved);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void autoUsesNvidiaSmiWhenItAnswers() throws Exception {
    FakeNvidiaSmi fake = FakeNvidiaSmi.printing(temp, "0, " + RTX_4090 + ", 12, 2048, 24564");
    start(settings(GpuMode.AUTO), fake.host());
    awaitAttempt(1);

    assertThat(sampler.activeSource()).isEqualTo("nvidia-smi");
    assertThat(sampler.lastReading().peakUtilizationPercent()).isEqualTo(12);
    assertThat(notices)
        .containsExactly("GPU sampling: using " + fake.folder().resolve("nvidia-smi"));
  }

  @Test
  void autoFallsBackToComfyUiWhenNvidiaSmiIsMissing() throws Exception {
    try (FakeComfyUi comfyUi = new FakeComfyUi().serving("system_stats_cuda.json")) {
      GpuSettings settings = settings(GpuMode.AUTO).withComfyUi(comfyUi.host(), comfyUi.port());
      start(settings, FakeNvidiaSmi.hostWithout(Files.createDirectories(temp.resolve("empty"))));
      awaitAttempt(1);

      GpuReading reading = sampler.open().close();

      assertThat(sampler.activeSource()).isEqualTo("comfyui");
      assertThat(reading.source()).isEqualTo("comfyui");
      assertThat(RenderTimeSuffix.describe(reading)).isEqualTo("(VRAM: 12.9/23.6GB)");
      assertThat(sampler.stats().totalErrors()).isZero();
      assertThat(notices)
          .singleElement()
          .asString()
          .contains("nvidia-smi is not on PATH")
          .contains("using ComfyUI /system_stats at " + comfyUi.host() + ":" + comfyUi.port());
    }
  }

  @Test
  void autoFallsBackToComfyUiWhenNvidiaSmiFailsAndCountsTheFailure() throws Exception {
    FakeNvidiaSmi fake =
        FakeNvidiaSmi.install(temp, "echo 'NVIDIA-SMI has failed: no driver'; exit 9");
    try (FakeComfyUi comfyUi = new FakeComfyUi().serving("system_stats_two_gpus.json")) {
      GpuSettings settings = settings(GpuMode.AUTO).withComfyUi(comfyUi.host(), comfyUi.port());
      start(settings, fake.host());
      awaitAttempt(1);

      GpuReading reading = sampler.open().close();

      assertThat(sampler.activeSource()).isEqualTo("comfyui");
      assertThat(reading.deviceIndex()).isEqualTo(1);
      assertThat(reading.hasUtilization()).isFalse();
      assertThat(sampler.stats().errorCount(GpuFaultKind.EXIT_STATUS)).isEqualTo(1);
      assertThat(Files.exists(fake.folder().resolve("calls"))).isFalse();
    }
  }

  @Test
  void comfyUiModeKeepsAskingAfterComfyUiFails() throws Exception {
    try (FakeComfyUi comfyUi = new FakeComfyUi().answering(500, "{}")) {
      GpuSettings settings = settings(GpuMode.COMFYUI).withComfyUi(comfyUi.host(), comfyUi.port());
      start(settings, FakeNvidiaSmi.hostWithout(temp));
      awaitAttempt(1);
      assertThat(sampler.open().close().isSampled()).isFalse();

      comfyUi.serving("system_stats_cuda.json");
      long next = sampler.nextAttempt();
      GpuWindow window = sampler.open();
      awaitAttempt(next);
      GpuReading reading = window.close();

      assertThat(RenderTimeSuffix.describe(reading)).isEqualTo("(VRAM: 12.9/23.6GB)");
      assertThat(sampler.stats().errorCount(GpuFaultKind.HTTP_STATUS)).isPositive();
    }
  }

  @Test
  void lastReadingDescribesTheLatestSample() throws Exception {
    FakeNvidiaSmi fake = FakeNvidiaSmi.printing(temp, "0, " + RTX_4090 + ", 3, 1024, 24564");
    start(settings(GpuMode.NVIDIA_SMI), fake.host());
    awaitAttempt(1);

    GpuReading last = sampler.lastReading();

    assertThat(last.source()).isEqualTo("nvidia-smi");
    assertThat(RenderTimeSuffix.describe(last)).isEqualTo("(GPU: 3%, VRAM: 1.0/24GB)");
    assertThat(sampler.lastSample().orElseThrow().devices()).hasSize(1);
    assertThat(sampler.stats().samples()).isEqualTo(1);
    assertThat(sampler.stats().mode()).isEqualTo("nvidia-smi");
  }

  @Test
  void stopsPromptlyEvenWhileNvidiaSmiHangs() throws Exception {
    FakeNvidiaSmi fake =
        FakeNvidiaSmi.install(temp, "echo $$ > \"$(dirname \"$0\")/self.pid\"\nexec sleep 300");
    start(
        settings(GpuMode.NVIDIA_SMI)
            .withTiming(Duration.ofMillis(20), Duration.ofHours(1), Duration.ofSeconds(30)),
        fake.host());
    Path pidFile = fake.folder().resolve("self.pid");
    while (!Files.exists(pidFile) || Files.readString(pidFile).isBlank()) {
      Thread.sleep(10);
    }

    sampler.close();

    assertThat(sampler.awaitTermination(HANG_GUARD)).isTrue();
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      Thread.sleep(20);
    }
    assertThat(sampler.open().close().isSampled()).isFalse();
  }

  @Test
  void closesAWindowWithoutWaitingOnceSamplingIsStopped() throws IOException {
    FakeNvidiaSmi fake = FakeNvidiaSmi.printing(temp, "0, " + RTX_4090 + ", 3, 1024, 24564");
    start(settings(GpuMode.NVIDIA_SMI), fake.host());
    GpuWindow window = sampler.open();

    sampler.close();

    assertThat(window.close()).isNotNull();
    assertThat(sampler.stats().openWindows()).isZero();
  }
}
