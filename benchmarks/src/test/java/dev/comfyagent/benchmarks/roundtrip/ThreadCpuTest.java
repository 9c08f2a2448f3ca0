package dev.comfyagent.benchmarks.roundtrip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {

  @Test
  void theTimeOnACpuIsTheFirstFieldOfSchedstat() {
    assertThat(ThreadCpu.onCpuNanos("74722 60241 2\n")).isEqualTo(74_722);
    assertThat(ThreadCpu.onCpuNanos("123")).isEqualTo(123);
  }

  @Test
  void hotSpotsCompilerThreadsAreTheJitAsTheKernelShortensTheirNames() {
    assertThat(ThreadCpu.isJitCompiler("C2 CompilerThre")).isTrue();
    assertThat(ThreadCpu.isJitCompiler("C1 CompilerThre")).isTrue();
    assertThat(ThreadCpu.isJitCompiler("boundedElastic-")).isFalse();
    assertThat(ThreadCpu.isJitCompiler("main")).isFalse();
  }

  @Test
  void theJitShareIsItsPartOfTheTimeUsedBetweenTwoReadings() {
    ThreadCpu before = new ThreadCpu(1_000, 400);
    ThreadCpu after = new ThreadCpu(3_000, 600);

    assertThat(after.minus(before)).isEqualTo(new ThreadCpu(2_000, 200));
    assertThat(after.minus(before).jitShare()).isEqualTo(0.1);
    assertThat(new ThreadCpu(0, 0).jitShare()).isZero();
  }

  @Test
  void readsThisProcesssThreadsOnLinux() {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux's /proc");
    long pid = ProcessHandle.current().pid();
    ThreadCpu first = ThreadCpu.read(pid).orElseThrow();
    long spin = System.nanoTime() + 20_000_000;
    long x = 0;
    while (System.nanoTime() < spin) {
      x += System.nanoTime() & 1;
    }

    ThreadCpu used = ThreadCpu.read(pid).orElseThrow().minus(first);

    assertThat(x).isNotNegative();
    assertThat(used.totalNanos()).isGreaterThanOrEqualTo(15_000_000);
    assertThat(used.jitNanos()).isBetween(0L, used.totalNanos());
  }

  @Test
  void aProcessThatIsNotThereReadsAsUnknown() {
    assertThat(ThreadCpu.read(Long.MAX_VALUE)).isEmpty();
  }
}
