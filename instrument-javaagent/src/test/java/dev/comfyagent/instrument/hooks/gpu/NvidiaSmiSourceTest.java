package dev.comfyagent.instrument.hooks.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@DisabledOnOs(value = OS.WINDOWS, disabledReason = "fake nvidia-smi scripts are POSIX shell")
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NvidiaSmiSourceTest {

  private static final long MIB = 1024L * 1024L;

  @TempDir Path temp;

  private static NvidiaSmiSource source(HostEnvironment host, Duration timeout) {
    return new NvidiaSmiSource(host, null, timeout, Clock.systemUTC());
  }

  @Test
  void readsEveryGpuTheRealCommandLineReports() throws Exception {
    FakeNvidiaSmi fake =
        FakeNvidiaSmi.install(
            temp,
            "[ \"$1\" = '--query-gpu=index,name,utilization.gpu,memory.used,memory.total' ] || exit 3\n"
                + "[ \"$2\" = '--format=csv,noheader,nounits' ] || exit 4\n"
                + "echo '0, NVIDIA GeForce RTX 4090, 98, 12697, 24564'\n"
                + "echo '1, NVIDIA GeForce RTX 3090, 0, 3, 24576'");

    GpuSample sample = source(fake.host(), Duration.ofSeconds(5)).read();

    assertThat(sample.source()).isEqualTo("nvidia-smi");
    assertThat(sample.faults()).isEmpty();
    assertThat(sample.devices())
        .containsExactly(
            new GpuDeviceReading(0, "NVIDIA GeForce RTX 4090", 98, 12697 * MIB, 24564 * MIB),
            new GpuDeviceReading(1, "NVIDIA GeForce RTX 3090", 0, 3 * MIB, 24576 * MIB));
  }

  @Test
  void reportsAMissingNvidiaSmiAsNotFound() throws Exception {
    Path empty = Files.createDirectories(temp.resolve("empty"));

    GpuSample sample = source(FakeNvidiaSmi.hostWithout(empty), Duration.ofSeconds(5)).read();

    assertThat(sample.devices()).isEmpty();
    assertThat(sample.faults())
        .containsExactly(
            new GpuFault(GpuFaultKind.NOT_FOUND, "nvidia-smi is not on PATH (" + empty + ")"));
  }

  @Test
  void reportsANonZeroExitWithWhatNvidiaSmiSaid() throws Exception {
    FakeNvidiaSmi fake =
        FakeNvidiaSmi.install(
            temp,
            "echo \"NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\"\n"
                + "echo 'Make sure that the latest NVIDIA driver is installed and running.'\n"
                + "exit 9");

    GpuSample sample = source(fake.host(), Duration.ofSeconds(5)).read();

    assertThat(sample.devices()).isEmpty();
    assertThat(sample.faults())
        .singleElement()
        .satisfies(
            fault -> {
              assertThat(fault.kind()).isEqualTo(GpuFaultKind.EXIT_STATUS);
              assertThat(fault.message())
                  .isEqualTo(
                      fake.folder().resolve("nvidia-smi")
                          + " exited with status 9: NVIDIA-SMI has failed because it couldn't"
                          + " communicate with the NVIDIA driver.");
            });
  }

  @Test
  void killsAHangingNvidiaSmiAndItsChildAfterTheTimeout() throws Exception {
    FakeNvidiaSmi fake =
        FakeNvidiaSmi.install(
            temp,
            "sleep 300 &\n"
                + "echo $! > \"$(dirname \"$0\")/child.pid\"\n"
                + "echo '0, NVIDIA A100, 5, '\n"
                + "wait");

    GpuSample sample = source(fake.host(), Duration.ofMillis(300)).read();

    assertThat(sample.devices()).isEmpty();
    assertThat(sample.faults())
        .singleElement()
        .satisfies(
            fault -> {
              assertThat(fault.kind()).isEqualTo(GpuFaultKind.TIMEOUT);
              assertThat(fault.message()).endsWith("did not finish within 300 ms; killed");
            });
    long child = Long.parseLong(Files.readString(fake.folder().resolve("child.pid")).trim());
    awaitGone(child);
  }

  @Test
  void reportsGarbageAsMalformedOutput() throws Exception {
    FakeNvidiaSmi fake = FakeNvidiaSmi.printing(temp, "Segmentation fault (core dumped)");

    GpuSample sample = source(fake.host(), Duration.ofSeconds(5)).read();

    assertThat(sample.devices()).isEmpty();
    assertThat(sample.faults())
        .extracting(GpuFault::kind)
        .containsExactly(GpuFaultKind.MALFORMED_OUTPUT);
  }

  @Test
  void reportsAPartialLineAsMalformedOutput() throws Exception {
    FakeNvidiaSmi fake = FakeNvidiaSmi.install(temp, "printf '0, NVIDIA H100 80GB HBM3, 45, 1234'");

    GpuSample sample = source(fake.host(), Duration.ofSeconds(5)).read();

    assertThat(sample.devices()).isEmpty();
    assertThat(sample.faults())
        .singleElement()
        .satisfies(fault -> assertThat(fault.message()).contains("partial line (no line end)"));
  }

  @Test
  void keepsTheKnownValuesWhenFieldsReadNotAvailable() throws Exception {
    FakeNvidiaSmi fake = FakeNvidiaSmi.printing(temp, "0, Tesla T4, [N/A], 1000, 15360");

    GpuSample sample = source(fake.host(), Duration.ofSeconds(5)).read();

    assertThat(sample.devices())
        .containsExactly(
            new GpuDeviceReading(0, "Tesla T4", GpuDeviceReading.UNKNOWN, 1000 * MIB, 15360 * MIB));
    assertThat(sample.faults())
        .extracting(GpuFault::kind)
        .containsExactly(GpuFaultKind.VALUE_UNAVAILABLE);
  }

  @Test
  void drainsAChattyProcessWithoutBlockingIt() throws Exception {
    // 4 MB on stderr and 3 MB on stdout: far more than a pipe holds, so an undrained stream would
    // block the script until the timeout.
    FakeNvidiaSmi fake =
        FakeNvidiaSmi.install(
            temp,
            "echo '0, NVIDIA L40S, 61, 30000, 46068'\n"
                + "i=0; while [ $i -lt 4000 ]; do printf '%01000d\\n' 0 >&2; i=$((i+1)); done\n"
                + "i=0; while [ $i -lt 3000 ]; do printf '# %0998d\\n' 0; i=$((i+1)); done");

    GpuSample sample = source(fake.host(), Duration.ofSeconds(20)).read();

    assertThat(sample.devices())
        .containsExactly(new GpuDeviceReading(0, "NVIDIA L40S", 61, 30000 * MIB, 46068 * MIB));
    assertThat(sample.faults())
        .extracting(GpuFault::kind)
        .doesNotContain(GpuFaultKind.TIMEOUT, GpuFaultKind.EXIT_STATUS)
        .contains(GpuFaultKind.MALFORMED_OUTPUT);
  }

  @Test
  void reportsAFileThatCannotBeStarted() throws Exception {
    Path notExecutable = Files.writeString(temp.resolve("nvidia-smi"), "#!/bin/sh\necho hi\n");
    Files.setPosixFilePermissions(notExecutable, PosixFilePermissions.fromString("rw-r--r--"));
    NvidiaSmiSource source =
        new NvidiaSmiSource(
            FakeNvidiaSmi.hostWithout(temp),
            notExecutable,
            Duration.ofSeconds(5),
            Clock.systemUTC());

    GpuSample sample = source.read();

    assertThat(sample.faults())
        .singleElement()
        .satisfies(
            fault -> {
              assertThat(fault.kind()).isEqualTo(GpuFaultKind.START_FAILED);
              assertThat(fault.message()).startsWith("could not start " + notExecutable);
            });
  }

  private static void awaitGone(long pid) throws InterruptedException {
    // Bounded by the class timeout; the kill is asynchronous, so its effect is polled for.
    while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      Thread.sleep(20);
    }
  }

  @Test
  void leavesNoProcessBehindAfterATimeout() throws Exception {
    FakeNvidiaSmi fake =
        FakeNvidiaSmi.install(temp, "echo $$ > \"$(dirname \"$0\")/self.pid\"\nexec sleep 300");
    Set<Long> before = descendantsOfThisJvm();

    GpuSample sample = source(fake.host(), Duration.ofMillis(1_000)).read();

    assertThat(sample.faults()).extracting(GpuFault::kind).containsExactly(GpuFaultKind.TIMEOUT);
    long pid = Long.parseLong(Files.readString(fake.folder().resolve("self.pid")).trim());
    assertThat(goneWithin(pid, Duration.ofSeconds(5)))
        .as("the fake nvidia-smi (pid %d) is gone after the timeout", pid)
        .isTrue();
    assertThat(newDescendantsAfter(before, Duration.ofSeconds(5)))
        .as("processes started by the read and still alive")
        .isEmpty();
  }

  /** Whether {@code pid} ends within {@code limit} (the kill is asynchronous, so it is polled). */
  private static boolean goneWithin(long pid, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  /** The processes of this JVM not in {@code before} still alive once {@code limit} is up. */
  private static Set<Long> newDescendantsAfter(Set<Long> before, Duration limit)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      Set<Long> left = descendantsOfThisJvm();
      left.removeAll(before);
      if (left.isEmpty() || System.nanoTime() > deadline) {
        return left;
      }
      Thread.sleep(20);
    }
  }

  private static Set<Long> descendantsOfThisJvm() {
    return ProcessHandle.current()
        .descendants()
        .filter(ProcessHandle::isAlive)
        .map(ProcessHandle::pid)
        .collect(Collectors.toCollection(HashSet::new));
  }
}
