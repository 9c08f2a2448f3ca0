package dev.comfyagent.benchmarks.roundtrip;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServerRunTest {

  @Test
  void theServersCpuPerCallComesFromItsThreadsNanosecondsAndFromClockTicksOnlyWithoutThem() {
    // 8,000 calls: 0.6 s on the threads is 75 µs a call; the ticks would say 80 (8 ticks of 10 ms).
    assertThat(ServerRun.serverCpuUsPerCall(600_000_000L, 640_000_000L, 8_000)).isEqualTo(75.0);
    assertThat(ServerRun.serverCpuUsPerCall(0, 640_000_000L, 8_000)).isEqualTo(80.0);
    assertThat(ServerRun.serverCpuUsPerCall(0, -1, 8_000)).isNaN();
  }
}
