package dev.comfyagent.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The images the project builds on are pinned: every {@code FROM} of the Dockerfile by digest, the
 * ComfyUI image of the compose file by its dated tag, so that a rebuild starts from the same bytes
 * and an upstream push changes nothing until Dependabot proposes it.
 */
class ContainerImagePinsTest {

  @Test
  void everyBaseImageOfTheDockerfileIsPinnedByDigest() throws IOException {
    List<String> from =
        Files.readAllLines(ProjectTree.root().resolve("Dockerfile"), StandardCharsets.UTF_8)
            .stream()
            .filter(line -> line.startsWith("FROM "))
            .toList();

    assertThat(from).hasSize(2).allMatch(line -> line.matches("FROM \\S+@sha256:[0-9a-f]{64}.*"));
  }

  @Test
  void theComfyUiImageOfTheComposeFileHasADatedTag() throws IOException {
    String compose =
        Files.readString(ProjectTree.root().resolve("docker-compose.yml"), StandardCharsets.UTF_8);

    assertThat(compose).containsPattern("image: yanwk/comfyui-boot:[\\w.-]+-20\\d{6}\\n");
  }
}
