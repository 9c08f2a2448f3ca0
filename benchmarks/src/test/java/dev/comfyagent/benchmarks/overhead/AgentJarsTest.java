package dev.comfyagent.benchmarks.overhead;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentJarsTest {

  @TempDir Path checkout;

  private Path jar(Path file, String premainClass) throws IOException {
    Files.createDirectories(file.getParent());
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    if (premainClass != null) {
      manifest.getMainAttributes().putValue("Premain-Class", premainClass);
    }
    try (OutputStream out = Files.newOutputStream(file);
        JarOutputStream jar = new JarOutputStream(out, manifest)) {
      jar.flush();
    }
    return file;
  }

  private AgentJars jars() throws IOException {
    return new AgentJars(Files.createDirectories(checkout.resolve("benchmarks/target")));
  }

  @Test
  void findsTheBuiltAgentInTheCheckout() throws IOException {
    Path built =
        jar(
            checkout.resolve("instrument-javaagent/target/instrument-javaagent-0.1.0.jar"),
            "a.Premain");
    jar(
        checkout.resolve("instrument-javaagent/target/original-instrument-javaagent-0.1.0.jar"),
        "a.Premain");

    assertThat(jars().agentJar()).contains(built.normalize());
  }

  @Test
  void aJarWithoutPremainClassIsNotBuiltYet() throws IOException {
    jar(checkout.resolve("instrument-javaagent/target/instrument-javaagent-0.1.0.jar"), null);

    assertThat(jars().agentJar()).isEmpty();
  }

  @Test
  void findsOpenTelemetryNextToTheBenchmarksJar() throws IOException {
    AgentJars jars = jars();
    Path otel =
        jar(checkout.resolve("benchmarks/target/agents/opentelemetry-javaagent.jar"), "io.Otel");

    assertThat(jars.otelJar()).contains(otel.normalize());
  }

  @Test
  void aMissingAgentIsReportedWhereItWasExpected() throws IOException {
    AgentJars jars = jars();

    assertThat(jars.agentJar()).isEmpty();
    assertThat(jars.agentJarLocation().toString()).contains("instrument-javaagent");
    assertThat(jars.otelJarLocation()).hasFileName("opentelemetry-javaagent.jar");
  }
}
