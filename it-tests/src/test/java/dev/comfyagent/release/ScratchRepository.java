package dev.comfyagent.release;

import dev.comfyagent.delivery.CommandRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A throwaway git repository for release-script tests: files written, commits made with given
 * messages, tags set, all through the real {@code git}.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * ScratchRepository repo = ScratchRepository.init(tempDir);
 * repo.write("pom.xml", pom).commit("build: start").tag("v1.0.0");
 * repo.commit("feat(runtime): add search_nodes");
 * }</pre>
 *
 * <p>Git runs with its own configuration file (identity, no signing, LF line endings) and without
 * the system one, so the developer's settings cannot change what the tests see; {@link
 * #gitEnvironment} hands the same to the script under test. Not thread-safe.
 */
final class ScratchRepository {

  private static final Duration GIT_TIMEOUT = Duration.ofMinutes(1);

  private final Path root;
  private final Map<String, String> environment;
  private int messages;

  private ScratchRepository(Path root, Map<String, String> environment) {
    this.root = root;
    this.environment = environment;
  }

  /** Creates {@code directory/repo} as a new repository on branch main; git hooks never run. */
  static ScratchRepository init(Path directory) {
    return init(directory, false);
  }

  /** As {@link #init(Path)}, but git runs the hooks installed in the repository. */
  static ScratchRepository initWithHooks(Path directory) {
    return init(directory, true);
  }

  private static ScratchRepository init(Path directory, boolean hooks) {
    try {
      Path config = directory.resolve("gitconfig");
      Files.writeString(
          config,
          """
          [user]
          \tname = Release Test
          \temail = release-test@example.invalid
          [init]
          \tdefaultBranch = main
          [commit]
          \tgpgsign = false
          [tag]
          \tgpgsign = false
          [core]
          \tautocrlf = false
          """
              + (hooks
                  ? ""
                  : "\thooksPath = "
                      + directory.resolve("no-hooks").toString().replace('\\', '/')
                      + "\n"),
          StandardCharsets.UTF_8);
      Path root = Files.createDirectories(directory.resolve("repo"));
      ScratchRepository repo =
          new ScratchRepository(
              root, Map.of("GIT_CONFIG_GLOBAL", config.toString(), "GIT_CONFIG_NOSYSTEM", "1"));
      repo.git("init", "-q");
      return repo;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path root() {
    return root;
  }

  /** The environment that makes git (here and in a child process) use this repository's config. */
  Map<String, String> gitEnvironment() {
    return environment;
  }

  ScratchRepository write(String relativePath, String content) {
    try {
      Path file = root.resolve(relativePath);
      Files.createDirectories(file.getParent());
      Files.writeString(file, content, StandardCharsets.UTF_8);
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String read(String relativePath) {
    try {
      return Files.readString(root.resolve(relativePath), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stages everything and commits with that message (subject, blank line, body, footers). */
  ScratchRepository commit(String message) {
    CommandRun.Result result = tryCommit(message);
    if (result.exitCode() != 0) {
      throw new IllegalStateException(result.describe());
    }
    return this;
  }

  /** As {@link #commit}, but returns how git ended instead of failing (hooks may refuse). */
  CommandRun.Result tryCommit(String message) {
    try {
      Path file = root.getParent().resolve("message-" + (++messages) + ".txt");
      Files.writeString(file, message, StandardCharsets.UTF_8);
      git("add", "-A");
      return CommandRun.run(
          root,
          environment,
          GIT_TIMEOUT,
          List.of(
              "git", "commit", "-q", "--allow-empty", "--cleanup=verbatim", "-F", file.toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  ScratchRepository tag(String name) {
    git("tag", "-a", name, "-m", name);
    return this;
  }

  /** {@code git status --porcelain}: empty when the tree is clean. */
  String status() {
    return git("status", "--porcelain");
  }

  String git(String... args) {
    List<String> command = new ArrayList<>();
    command.add("git");
    command.addAll(List.of(args));
    CommandRun.Result result = CommandRun.run(root, environment, GIT_TIMEOUT, command);
    if (result.exitCode() != 0) {
      throw new IllegalStateException(result.describe());
    }
    return result.stdout();
  }
}
