package dev.comfyagent.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the packaged jars under test and the tests' scratch directories are. The build passes the
 * jar paths as system properties ({@code comfyagent.it.agentJar}, {@code
 * comfyagent.it.runtimeJar}); run the tests with {@code ./mvnw verify -pl it-tests -am}.
 */
public final class PackagedJars {

  private PackagedJars() {}

  /** The shaded instrument-javaagent jar. */
  public static Path agentJar() {
    return existing("comfyagent.it.agentJar");
  }

  /** The executable agent-runtime jar. */
  public static Path runtimeJar() {
    return existing("comfyagent.it.runtimeJar");
  }

  /** A new, empty directory for one test. */
  public static Path workDir(String name) {
    Path root = Path.of(System.getProperty("comfyagent.it.workDir", "target/it-work"));
    try {
      Files.createDirectories(root);
      return Files.createTempDirectory(root.toAbsolutePath(), name + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The test class path, for child JVMs that run fixtures of this module. */
  public static String testClassPath() {
    String surefire = System.getProperty("surefire.test.class.path");
    return surefire != null && !surefire.isBlank()
        ? surefire
        : System.getProperty("java.class.path");
  }

  /** The test class path entries. */
  public static List<Path> testClassPathEntries() {
    List<Path> entries = new ArrayList<>();
    for (String entry : testClassPath().split(java.io.File.pathSeparator)) {
      if (!entry.isBlank()) {
        entries.add(Path.of(entry));
      }
    }
    return entries;
  }

  private static Path existing(String property) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank() || !Files.isRegularFile(Path.of(value))) {
      throw new IllegalStateException(
          "system property "
              + property
              + " must name a packaged jar (got "
              + value
              + "); run the it-tests through Maven: ./mvnw verify -pl it-tests -am");
    }
    return Path.of(value);
  }
}
