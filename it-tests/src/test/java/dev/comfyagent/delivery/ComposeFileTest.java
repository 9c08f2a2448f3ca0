package dev.comfyagent.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docker-compose.yml} validates against the Compose Specification and passes dclint's rules;
 * where Docker Compose v2 is installed, it also resolves with {@code docker compose config}. (No
 * Docker engine is needed: nothing is started.)
 */
class ComposeFileTest {

  private static final Path COMPOSE_FILE = ProjectTree.root().resolve("docker-compose.yml");

  @Test
  void composeFilePassesDclint() {
    CommandRun.Result lint = lintTools().dclint(COMPOSE_FILE);

    assertThat(lint.exitCode()).as(lint.describe()).isZero();
  }

  @Test
  void dclintRejectsAComposeFileWithAMistake(@TempDir Path dir) throws IOException {
    Path broken = dir.resolve("docker-compose.yml");
    Files.writeString(
        broken,
        """
        services:
          agent:
            image: comfy-agent:latest
            depends_on:
              comfyui:
                condition: service_ready
        """,
        StandardCharsets.UTF_8);

    CommandRun.Result lint = lintTools().dclint(broken);

    assertThat(lint.exitCode()).as(lint.describe()).isNotZero();
    assertThat(lint.stdout()).contains("invalid-schema");
  }

  @Test
  void composeFileResolvesWithDockerComposeWhereInstalled() {
    assumeTrue(
        CommandRun.onPath("docker") && dockerComposeV2(),
        "Docker Compose v2 (docker compose) is not installed: only the schema and lint checks ran");

    CommandRun.Result config =
        CommandRun.run(
            COMPOSE_FILE.getParent(),
            Map.of(),
            Duration.ofMinutes(1),
            List.of("docker", "compose", "-f", COMPOSE_FILE.toString(), "config", "--quiet"));

    assertThat(config.exitCode()).as(config.describe()).isZero();
  }

  private static boolean dockerComposeV2() {
    CommandRun.Result version =
        CommandRun.run(
            Path.of("").toAbsolutePath(),
            Map.of(),
            Duration.ofSeconds(30),
            List.of("docker", "compose", "version"));
    return version.exitCode() == 0;
  }

  private static LintTools lintTools() {
    LintTools.missingReason().ifPresent(reason -> assumeTrue(false, reason));
    return LintTools.install();
  }
}
