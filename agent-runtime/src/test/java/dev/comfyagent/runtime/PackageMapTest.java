package dev.comfyagent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package map lives in the code: every package of the runtime has a {@code package-info.java}
 * saying what it may import and how to start using it, and docs/architecture.md links to each
 * rather than repeating them.
 */
class PackageMapTest {

  private static final Path SOURCES = moduleDir().resolve("src/main/java/dev/comfyagent/runtime");

  /** The module's folder: the working directory, or beside it when the suite runs elsewhere. */
  private static Path moduleDir() {
    Path here = Path.of("").toAbsolutePath();
    return Files.isDirectory(here.resolve("src/main/java/dev/comfyagent/runtime"))
        ? here
        : here.resolveSibling("agent-runtime");
  }

  @Test
  void everyPackageSaysWhatItMayImportAndHowToUseIt() throws IOException {
    List<Path> packages = packages();

    assertThat(packages).hasSizeGreaterThanOrEqualTo(10);
    for (Path dir : packages) {
      Path info = dir.resolve("package-info.java");
      assertThat(info).as("package-info of %s", dir.getFileName()).exists();
      String text = Files.readString(info, StandardCharsets.UTF_8);
      assertThat(text).as("%s", info).contains("May import:").contains("<pre>{@code");
    }
  }

  @Test
  void theArchitecturePageLinksToEveryPackageInfo() throws IOException {
    String page =
        Files.readString(
            moduleDir().resolveSibling("docs").resolve("architecture.md"), StandardCharsets.UTF_8);

    for (Path dir : packages()) {
      assertThat(page)
          .contains(
              "](../agent-runtime/src/main/java/dev/comfyagent/runtime/"
                  + dir.getFileName()
                  + "/package-info.java)");
    }
  }

  private static List<Path> packages() throws IOException {
    try (Stream<Path> dirs = Files.list(SOURCES)) {
      return dirs.filter(Files::isDirectory).sorted().toList();
    }
  }
}
