package dev.comfyagent.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.comfyagent.delivery.CommandRun;
import dev.comfyagent.delivery.ProjectTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code scripts/install-git-hooks} in a scratch clone: the hooks it installs run on a real {@code
 * git commit}, a hook that was there before keeps running, and uninstall puts it back. (The
 * pre-commit and pre-push hooks call the Maven wrapper; the commit-msg hook needs nothing, so it is
 * the one exercised end to end.)
 */
class GitHooksTest {

  private ScratchRepository repo;

  @BeforeEach
  void cloneWithScripts(@TempDir Path dir) throws IOException {
    assumeTrue(CommandRun.onPath("git"), "git is not installed");
    assumeTrue(CommandRun.onPath("sh"), "no POSIX sh on PATH (on Windows: Git for Windows' bin)");
    repo = ScratchRepository.initWithHooks(dir);
    Path scripts = ProjectTree.root().resolve("scripts");
    try (Stream<Path> files = Files.walk(scripts)) {
      for (Path source : files.filter(Files::isRegularFile).toList()) {
        Path target = repo.root().resolve("scripts").resolve(scripts.relativize(source).toString());
        Files.createDirectories(target.getParent());
        Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
    repo.commit("build: add the scripts");
  }

  @ParameterizedTest(name = "accepts \"{0}\"")
  @ValueSource(
      strings = {
        "feat(runtime): add the search_nodes tool",
        "fix: keep the undo history",
        "feat(api)!: rename an argument",
        "docs: explain sessions",
        "Merge branch 'main' into topic",
        "fixup! feat: add a tool",
      })
  void commitMessageHookAcceptsConventionalSubjects(String subject) {
    install();

    CommandRun.Result commit = repo.tryCommit(subject + "\n\nSome body text.\n");

    assertThat(commit.exitCode()).as(commit.describe()).isZero();
  }

  @ParameterizedTest(name = "rejects \"{0}\"")
  @ValueSource(
      strings = {
        "Update README",
        "feat:missing space",
        "feature: not a type",
        "fix(): empty scope"
      })
  void commitMessageHookRejectsOtherSubjectsWithAnExample(String subject) {
    install();

    CommandRun.Result commit = repo.tryCommit(subject + "\n");

    assertThat(commit.exitCode()).isNotZero();
    assertThat(commit.stderr())
        .contains("not a Conventional Commit")
        .contains(subject)
        .contains("feat(runtime): add the search_nodes tool");
  }

  @Test
  void keepsAnEarlierHookAndRunsItFirst() throws IOException {
    Path hooks = hooksDirectory();
    Path earlier = hooks.resolve("commit-msg");
    Files.writeString(earlier, "#!/bin/sh\necho 'earlier hook says no' >&2\nexit 1\n");
    earlier.toFile().setExecutable(true);

    CommandRun.Result installed = install();
    CommandRun.Result commit = repo.tryCommit("feat: a fine subject\n");

    assertThat(installed.stdout())
        .contains("kept your existing commit-msg hook as commit-msg.local");
    assertThat(commit.exitCode()).isNotZero();
    assertThat(commit.stderr()).contains("earlier hook says no");
  }

  @Test
  void uninstallRemovesItsHooksAndRestoresTheEarlierOne() throws IOException {
    Path earlier = hooksDirectory().resolve("commit-msg");
    Files.writeString(earlier, "#!/bin/sh\nexit 0\n");
    install();

    CommandRun.Result removed = run("--uninstall");

    assertThat(removed.exitCode()).as(removed.describe()).isZero();
    assertThat(hooksDirectory().resolve("pre-commit")).doesNotExist();
    assertThat(hooksDirectory().resolve("pre-push")).doesNotExist();
    assertThat(earlier).hasContent("#!/bin/sh\nexit 0");
    assertThat(repo.tryCommit("Update README\n").exitCode()).isZero();
  }

  @Test
  void rejectsAnUnknownOption() {
    CommandRun.Result result = run("--force");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr()).contains("usage: scripts/install-git-hooks [--uninstall]");
  }

  private CommandRun.Result install() {
    CommandRun.Result result = run();
    assertThat(result.exitCode()).as(result.describe()).isZero();
    assertThat(result.stdout())
        .contains("installed pre-commit", "installed pre-push", "installed commit-msg");
    return result;
  }

  private CommandRun.Result run(String... args) {
    List<String> command = new java.util.ArrayList<>(List.of("sh", "scripts/install-git-hooks"));
    command.addAll(List.of(args));
    return CommandRun.run(repo.root(), repo.gitEnvironment(), Duration.ofMinutes(1), command);
  }

  private Path hooksDirectory() throws IOException {
    Path hooks = repo.root().resolve(repo.git("rev-parse", "--git-path", "hooks").strip());
    return Files.createDirectories(hooks);
  }
}
