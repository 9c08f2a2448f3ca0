package dev.comfyagent.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfyagent.it.fixture.IsolatedToolHost;
import dev.comfyagent.it.harness.AgentOutput;
import dev.comfyagent.it.harness.ChildJvm;
import dev.comfyagent.it.harness.FakeToolFixtures;
import dev.comfyagent.it.harness.PackagedJars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * kill -9 while the agent writes as fast as it can (a flood of trace lines, a metrics line every
 * 100 ms, rotation every 64 KB): every line of every file left behind is whole JSON.
 */
class KillDuringDumpIT {

  @ParameterizedTest(name = "killed after {0} ms of writing")
  @ValueSource(ints = {300, 900, 1700})
  void everyLineLeftBehindParses(int writingMillis) throws Exception {
    Path dir = PackagedJars.workDir("kill");
    Path logs = dir.resolve("logs");
    try (ChildJvm host =
        ChildJvm.java()
            .agent(
                "output.dir="
                    + logs
                    + ",metrics.interval=100ms,trace.rotate.size=64KB,trace.rotate.keep=3"
                    + ",metrics.rotate.size=16KB,metrics.rotate.keep=2")
            .classPath(PackagedJars.testClassPath())
            .main(IsolatedToolHost.class.getName())
            .args(
                PackagedJars.runtimeJar().toString(),
                FakeToolFixtures.classesDir().toString(),
                "forever",
                "4",
                "2000")
            .workDir(dir)
            .start()) {
      Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
      Path traces = logs.resolve("traces.jsonl");
      while (!(Files.exists(traces) && Files.size(traces) > 0)
          && Instant.now().isBefore(deadline)) {
        Thread.sleep(20);
      }
      assertThat(traces).as("the agent writes traces").exists();
      Thread.sleep(writingMillis);
      host.kill();
    }
    AgentOutput output = new AgentOutput(logs);
    assertThat(output.traces()).isNotEmpty();
    output.metricsLines();
  }
}
