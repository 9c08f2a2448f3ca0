package dev.comfyagent.delivery;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the checked-out project lies, for tests that read or run its delivery files (scripts,
 * workflows, compose file).
 *
 * <p>Usage: {@code Path script = ProjectTree.root().resolve("scripts/BumpVersion.java");}
 *
 * <p>Surefire runs tests in the module directory ({@code it-tests/}); the root is the nearest
 * directory above that holds the Maven wrapper's {@code .mvn} folder next to a {@code pom.xml}.
 */
public final class ProjectTree {

  private ProjectTree() {}

  /**
   * The project root.
   *
   * @throws IllegalStateException when no directory above the working directory looks like it
   */
  public static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.isDirectory(dir.resolve(".mvn")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException(
        "no project root (a directory with .mvn/ and pom.xml) above "
            + Path.of("").toAbsolutePath());
  }
}
