package dev.comfyagent.it.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfyagent.it.fixture.BusyToolHost;
import dev.comfyagent.it.harness.ChildJvm;
import dev.comfyagent.it.harness.PackagedJars;
import dev.comfyagent.it.harness.PrometheusServer;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus endpoint and the OTLP exporter cost a process that does not use them nothing:
 * their classes are in a class pack of their own, and an agent with its defaults loads none of them
 * (nor the JDK's HTTP server); with {@code metrics.http} the endpoint runs on daemon threads, so
 * the host still ends when its {@code main} returns.
 */
class ExportsStayOffTheStartPathIT {

  @Test
  void theExportClassesHaveAPackOfTheirOwn() throws Exception {
    try (JarFile jar = new JarFile(PackagedJars.agentJar().toFile())) {
      assertThat(list(jar, "inst/classes/agent.list"))
          .noneMatch(c -> c.contains("/instrument/export/"));
      assertThat(list(jar, "inst/classes/export.list"))
          .contains(
              "dev/comfyagent/instrument/export/Exports.class",
              "dev/comfyagent/instrument/export/prometheus/MetricsEndpoint.class",
              "dev/comfyagent/instrument/export/otlp/OtlpExporter.class")
          .allMatch(c -> c.contains("/instrument/export/"));
    }
  }

  @Test
  void anAgentWithItsDefaultsLoadsNoneOfThem() throws Exception {
    String loaded = run("defaults", "", 0);
    assertThat(loaded)
        .as("the agent ran")
        .contains("dev.comfyagent.instrument.emit.MetricsReporter");
    assertThat(loaded)
        .doesNotContain("dev.comfyagent.instrument.export.")
        .doesNotContain("com.sun.net.httpserver.");
  }

  @Test
  void withTheEndpointOnTheHostStillEndsWhenItsMainReturns() throws Exception {
    int port = PrometheusServer.freePort();
    String loaded = run("endpoint", ",metrics.http=" + port, port);
    assertThat(loaded)
        .contains("dev.comfyagent.instrument.export.prometheus.MetricsEndpoint")
        .doesNotContain("dev.comfyagent.instrument.export.otlp.");
  }

  private static String run(String name, String options, int port) throws Exception {
    Path dir = PackagedJars.workDir("exports-off-start-path-" + name);
    Path classLog = dir.resolve("classes.log");
    try (ChildJvm jvm =
        ChildJvm.java()
            .agent(
                "output.dir="
                    + dir.resolve("logs")
                    + ",gpu=off,metrics.interval=200ms"
                    + ",tools=dev.comfyagent.it.fixture.BusyToolHost$*#run"
                    + options)
            .jvmArg("-Xlog:class+load=info:file=" + classLog)
            .classPath(PackagedJars.testClassPath())
            .main(BusyToolHost.class.getName())
            .args("2", "200")
            .workDir(dir)
            .start()) {
      assertThat(jvm.waitFor(Duration.ofMinutes(2))).as(jvm.stderr()).isZero();
      assertThat(jvm.stderr()).doesNotContain("cannot listen");
    }
    return Files.readString(classLog, StandardCharsets.UTF_8);
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
