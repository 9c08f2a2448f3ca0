package dev.comfyagent.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfyagent.delivery.ProjectTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The commands users copy name the jars without a version ({@code agent-runtime.jar}, {@code
 * instrument-javaagent.jar}, or {@code <version>} where a build's output is meant), so that a
 * release needs no edit of the docs and none of them points at an old version.
 */
class VersionFreeDocsTest {

  @ParameterizedTest
  @ValueSource(strings = {"README.md", "docs/mcp-clients.md", "docs/containers.md"})
  void namesNoVersionedJar(String doc) throws IOException {
    String text = Files.readString(ProjectTree.root().resolve(doc), StandardCharsets.UTF_8);

    assertThat(text)
        .doesNotContainPattern(
            "(agent-runtime|instrument-javaagent)-\\d+\\.\\d+\\.\\d+[\\w.-]*\\.jar");
  }
}
