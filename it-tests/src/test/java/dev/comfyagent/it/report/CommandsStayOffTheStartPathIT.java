package dev.comfyagent.it.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfyagent.it.fixture.BusyToolHost;
import dev.comfyagent.it.harness.ChildJvm;
import dev.comfyagent.it.harness.PackagedJars;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The {@code report} and {@code merge} commands cost an observed JVM nothing: their classes are in
 * a class pack of their own ({@code inst/classes/commands.pack}), which the agent never reads when
 * it starts, and not one of them is loaded while it observes a process that makes tool calls.
 */
class CommandsStayOffTheStartPathIT {

  @Test
  void theCommandsClassesHaveAPackOfTheirOwn() throws Exception {
    try (JarFile jar = new JarFile(PackagedJars.agentJar().toFile())) {
      List<String> agent = list(jar, "inst/classes/agent.list");
      List<String> commands = list(jar, "inst/classes/commands.list");
      assertThat(agent)
          .noneMatch(c -> c.contains("/instrument/report/") || c.contains("/instrument/fleet/"));
      assertThat(commands)
          .contains(
              "dev/comfyagent/instrument/report/ReportCommand.class",
              "dev/comfyagent/instrument/fleet/MergeCommand.class")
          .allMatch(c -> c.contains("/instrument/report/") || c.contains("/instrument/fleet/"));
      assertThat(jar.getEntry("inst/dev/comfyagent/instrument/report/report.css")).isNotNull();
    }
  }

  @Test
  void anObservedProcessLoadsNoneOfThem() throws Exception {
    Path dir = PackagedJars.workDir("commands-off-start-path");
    Path classLog = dir.resolve("classes.log");
    try (ChildJvm jvm =
        ChildJvm.java()
            .agent(
                "output.dir="
                    + dir.resolve("logs")
                    + ",gpu=off,metrics.interval=200ms"
                    + ",tools=dev.comfyagent.it.fixture.BusyToolHost$*#run")
            .jvmArg("-Xlog:class+load=info:file=" + classLog)
            .classPath(PackagedJars.testClassPath())
            .main(BusyToolHost.class.getName())
            .args("2", "200")
            .workDir(dir)
            .start()) {
      assertThat(jvm.waitFor(Duration.ofMinutes(2))).as(jvm.stderr()).isZero();
    }
    String loaded = Files.readString(classLog, StandardCharsets.UTF_8);
    assertThat(loaded)
        .as("the agent ran")
        .contains("dev.comfyagent.instrument.emit.MetricsReporter");
    assertThat(loaded)
        .doesNotContain("dev.comfyagent.instrument.report.")
        .doesNotContain("dev.comfyagent.instrument.fleet.");
    assertThat(dir.resolve("logs/latency.hlog")).isRegularFile();
  }

  private static List<String> list(JarFile jar, String entry) throws Exception {
    try (InputStream in = jar.getInputStream(jar.getEntry(entry))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .filter(l -> !l.isBlank())
          .toList();
    }
  }
}
