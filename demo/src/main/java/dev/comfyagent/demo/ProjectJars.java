package dev.comfyagent.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Finds the packaged runtime and agent jars of this checkout: {@code
 * agent-runtime/target/agent-runtime-<version>-all.jar} (the executable one; the plain {@code
 * agent-runtime-<version>.jar} beside it is the library) and {@code
 * instrument-javaagent/target/instrument-javaagent-<version>.jar}, next to the demo's own {@code
 * demo/target/}.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * ProjectJars jars = ProjectJars.locate(Path.of("."));
 * Path runtime = jars.runtime();          // throws with the build command when missing
 * Optional<Path> agent = jars.agent();
 * }</pre>
 */
final class ProjectJars {

  private final Path projectRoot;

  private ProjectJars(Path projectRoot) {
    this.projectRoot = projectRoot;
  }

  /**
   * The checkout the demo jar was built in, else {@code fallback} (the working directory) when the
   * demo runs from somewhere else.
   */
  static ProjectJars locate(Path fallback) {
    return new ProjectJars(ownCheckout().orElse(fallback.toAbsolutePath().normalize()));
  }

  Path projectRoot() {
    return projectRoot;
  }

  /** The runtime's executable jar. */
  Path runtime() {
    return find("agent-runtime", "-all.jar")
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "the runtime jar is not built under "
                        + projectRoot.resolve("agent-runtime/target")
                        + "; run ./mvnw -B -DskipTests package first"));
  }

  /** The agent's jar, when built (a jar whose manifest names a {@code Premain-Class}). */
  Optional<Path> agent() {
    return find("instrument-javaagent", ".jar").filter(ProjectJars::isJavaAgent);
  }

  private static boolean isJavaAgent(Path jar) {
    try (JarFile file = new JarFile(jar.toFile())) {
      Manifest manifest = file.getManifest();
      return manifest != null && manifest.getMainAttributes().getValue("Premain-Class") != null;
    } catch (IOException e) {
      return false;
    }
  }

  private Optional<Path> find(String module, String suffix) {
    Path target = projectRoot.resolve(module).resolve("target");
    if (!Files.isDirectory(target)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.list(target)) {
      return files
          .filter(p -> isJar(String.valueOf(p.getFileName()), module, suffix))
          .sorted()
          .reduce((first, second) -> second);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean isJar(String name, String module, String suffix) {
    return name.startsWith(module + "-")
        && name.endsWith(suffix)
        && !name.endsWith("-sources.jar")
        && !name.endsWith("-javadoc.jar")
        && !name.endsWith("-tests.jar");
  }

  /** {@code <root>/demo/target/comfy-agent-demo.jar} → {@code <root>}. */
  private static Optional<Path> ownCheckout() {
    CodeSource source = ProjectJars.class.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      return Optional.empty();
    }
    Path self;
    try {
      self = Path.of(source.getLocation().toURI());
    } catch (URISyntaxException | IllegalArgumentException e) {
      return Optional.empty();
    }
    Path target = self.getParent();
    if (target == null || !"target".equals(String.valueOf(target.getFileName()))) {
      return Optional.empty();
    }
    Path module = target.getParent();
    Path root = module == null ? null : module.getParent();
    return root != null && Files.isDirectory(root.resolve("agent-runtime"))
        ? Optional.of(root)
        : Optional.empty();
  }
}
