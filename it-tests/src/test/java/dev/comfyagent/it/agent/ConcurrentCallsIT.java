package dev.comfyagent.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfyagent.it.fixture.IsolatedToolHost;
import dev.comfyagent.it.harness.AgentOutput;
import dev.comfyagent.it.harness.ChildJvm;
import dev.comfyagent.it.harness.FakeToolFixtures;
import dev.comfyagent.it.harness.PackagedJars;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** 8 threads × 50,000 concurrent tool calls: every call is counted, none twice. */
class ConcurrentCallsIT {

  private static final int THREADS = 8;
  private static final int CALLS_PER_THREAD = 50_000;
  private static final long TOTAL = (long) THREADS * CALLS_PER_THREAD;

  @Test
  void countsAreExactUnderConcurrencyAndEveryTraceIsWrittenOrCountedAsDropped() {
    Path dir = PackagedJars.workDir("concurrent");
    try (ChildJvm host =
        ChildJvm.java()
            .agent("output.dir=" + dir.resolve("logs") + ",metrics.interval=1s")
            .classPath(PackagedJars.testClassPath())
            .main(IsolatedToolHost.class.getName())
            .args(
                PackagedJars.runtimeJar().toString(),
                FakeToolFixtures.classesDir().toString(),
                "flood",
                String.valueOf(THREADS),
                String.valueOf(CALLS_PER_THREAD))
            .workDir(dir)
            .start()) {
      assertThat(host.waitFor(Duration.ofMinutes(5))).isZero();
      assertThat(host.stdout().strip()).isEqualTo("flood done " + TOTAL);
    }
    AgentOutput output = new AgentOutput(dir.resolve("logs"));
    JsonNode echo = output.toolTotal("echo");
    assertThat(echo.path("calls").asLong()).isEqualTo(TOTAL);
    assertThat(echo.path("ok").asLong()).isEqualTo(TOTAL);
    assertThat(echo.path("err").asLong()).isZero();

    long intervalSum =
        output.metricsLines().stream()
            .mapToLong(
                line -> line.path("interval").path("tools").path("echo").path("calls").asLong())
            .sum();
    assertThat(intervalSum).as("interval figures add up to the total").isEqualTo(TOTAL);

    JsonNode agent = output.finalMetrics().path("agent");
    long written = agent.path("trace_lines_written").asLong();
    long dropped = agent.path("trace_lines_dropped").asLong();
    assertThat(written + dropped).isEqualTo(TOTAL);
    assertThat(output.traces()).hasSize((int) written);
    assertThat(agent.path("internal_errors").asLong()).isZero();
  }
}
