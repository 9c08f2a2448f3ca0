package dev.comfyagent.benchmarks.overhead;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarFile;

/**
 * Finds the Java agents the overhead and startup benchmarks attach: this project's
 * instrument-javaagent and the OpenTelemetry Java agent.
 *
 * <p>Where they are looked for, first match wins:
 *
 * <ul>
 *   <li>this project's agent: system property {@value #AGENT_JAR_PROPERTY}; else {@code
 *       instrument-javaagent/target/instrument-javaagent-<version>.jar} of the checkout the
 *       benchmarks jar was built in;
 *   <li>OpenTelemetry's: system property {@value #OTEL_JAR_PROPERTY}; else {@code
 *       agents/opentelemetry-javaagent.jar} next to the benchmarks jar (the build copies it there
 *       from Maven Central).
 * </ul>
 *
 * <p>A jar counts as an agent only if its manifest names a {@code Premain-Class}: an empty jar from
 * a module that is not written yet is "not built". Immutable and thread-safe.
 */
public final class AgentJars {

  /** System property naming this project's agent jar. */
  public static final String AGENT_JAR_PROPERTY = "benchmarks.agent.jar";

  /** System property naming the OpenTelemetry Java agent jar. */
  public static final String OTEL_JAR_PROPERTY = "otel.agent.jar";

  private final Path benchmarksTarget;

  /** Jars located relative to the directory holding the benchmarks jar (its {@code target/}). */
  public AgentJars(Path benchmarksTarget) {
    this.benchmarksTarget = benchmarksTarget;
  }

  /** Jars located relative to where this class was loaded from. */
  public static AgentJars nextToBenchmarks() {
    try {
      Path location =
          Path.of(AgentJars.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      // benchmarks/target/benchmarks.jar or, in tests, benchmarks/target/classes: both in target/.
      return new AgentJars(location.toAbsolutePath().getParent());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot tell where the benchmarks jar is", e);
    }
  }

  /** The directory holding the benchmarks jar: {@code benchmarks/target}. */
  public Path benchmarksTarget() {
    return benchmarksTarget;
  }

  /** Where this project's agent is expected (whether or not it is there). */
  public Path agentJarLocation() {
    String property = System.getProperty(AGENT_JAR_PROPERTY);
    if (property != null && !property.isBlank()) {
      return Path.of(property).toAbsolutePath();
    }
    Path dir = benchmarksTarget.resolve("../../instrument-javaagent/target").normalize();
    return builtJar(dir, "instrument-javaagent-")
        .orElse(dir.resolve("instrument-javaagent-<version>.jar"));
  }

  /** Where the OpenTelemetry agent is expected (whether or not it is there). */
  public Path otelJarLocation() {
    String property = System.getProperty(OTEL_JAR_PROPERTY);
    if (property != null && !property.isBlank()) {
      return Path.of(property).toAbsolutePath();
    }
    return benchmarksTarget.resolve("agents/opentelemetry-javaagent.jar").normalize();
  }

  /** This project's agent, if built. */
  public Optional<Path> agentJar() {
    return usable(agentJarLocation());
  }

  /** The OpenTelemetry agent, if present. */
  public Optional<Path> otelJar() {
    return usable(otelJarLocation());
  }

  /** The path if it is a jar whose manifest names a {@code Premain-Class}. */
  static Optional<Path> usable(Path jar) {
    if (!Files.isRegularFile(jar)) {
      return Optional.empty();
    }
    try (JarFile file = new JarFile(jar.toFile())) {
      boolean agent =
          file.getManifest() != null
              && file.getManifest().getMainAttributes().getValue("Premain-Class") != null;
      return agent ? Optional.of(jar) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static Optional<Path> builtJar(Path dir, String prefix) {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    List<Path> jars = new ArrayList<>();
    try (DirectoryStream<Path> found = Files.newDirectoryStream(dir, prefix + "*.jar")) {
      for (Path jar : found) {
        // Entries of a directory listing always have a name (only a root has none).
        Path name = jar.getFileName();
        if (name != null && isMainArtifact(name.toString())) {
          jars.add(jar);
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    jars.sort(null);
    return jars.isEmpty() ? Optional.empty() : Optional.of(jars.get(jars.size() - 1));
  }

  /** Not the pre-shade original, nor a sources, javadoc or tests jar. */
  private static boolean isMainArtifact(String fileName) {
    return !fileName.startsWith("original-")
        && !fileName.endsWith("-sources.jar")
        && !fileName.endsWith("-javadoc.jar")
        && !fileName.endsWith("-tests.jar");
  }
}
