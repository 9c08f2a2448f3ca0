package dev.comfyagent.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfyagent.it.fixture.IsolatedToolHost;
import dev.comfyagent.it.harness.ChildJvm;
import dev.comfyagent.it.harness.FakeToolFixtures;
import dev.comfyagent.it.harness.PackagedJars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A wrong option prints one clear stderr line naming it, and the host runs uninstrumented; with
 * {@code strict=true} the JVM does not start.
 */
class WrongOptionsIT {

  /** The exit status of a JVM that strict=true stopped (docs/agent.md, "Options"). */
  private static final int STRICT_EXIT_STATUS = 2;

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "trce=off | unknown option 'trce'",
        "metrics.interval=soon | option metrics.interval=soon",
        "trace=maybe | option trace=maybe",
        "tools=com.acme.Tool | pattern 'com.acme.Tool'",
        "output.dir | 'output.dir' is not key=value"
      })
  void wrongOptionIsNamedOnOneLineAndTheHostRunsUninstrumented(String options, String named) {
    Path dir = PackagedJars.workDir("wrong");
    try (ChildJvm host = host(dir, options)) {
      assertThat(host.waitFor(Duration.ofSeconds(120))).isZero();
      assertThat(host.stdout().strip()).isEqualTo("once done");
      List<String> agentLines = agentLines(host.stderr());
      assertThat(agentLines).hasSize(1);
      assertThat(agentLines.get(0))
          .contains(named)
          .contains("the application runs without the agent");
      if (named.startsWith("unknown")) {
        assertThat(agentLines.get(0)).contains("valid options: config, output.dir");
      }
    }
    assertThat(Files.exists(dir.resolve("logs"))).as("nothing written").isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {"strict=true,trce=off | unknown option 'trce'"})
  void strictModeStopsTheJvmsStart(String options, String named) {
    Path dir = PackagedJars.workDir("strict");
    try (ChildJvm host = host(dir, options)) {
      assertThat(host.waitFor(Duration.ofSeconds(120))).isEqualTo(STRICT_EXIT_STATUS);
      // stdout is the MCP channel: not even HotSpot's "FATAL ERROR ... -javaagent failed" there
      assertThat(host.stdout()).isEmpty();
      assertThat(host.stderr().lines().filter(line -> !line.isBlank()).toList())
          .singleElement()
          .asString()
          .startsWith("comfy-agent: ")
          .contains(named)
          .contains("stopping because strict=true");
    }
  }

  private static ChildJvm host(Path dir, String options) {
    return ChildJvm.java()
        .agent(options + ",output.dir=" + dir.resolve("logs"))
        .classPath(PackagedJars.testClassPath())
        .main(IsolatedToolHost.class.getName())
        .args(
            PackagedJars.runtimeJar().toString(), FakeToolFixtures.classesDir().toString(), "once")
        .workDir(dir)
        .start();
  }

  private static List<String> agentLines(String stderr) {
    return stderr.lines().filter(line -> line.startsWith("comfy-agent:")).toList();
  }
}
