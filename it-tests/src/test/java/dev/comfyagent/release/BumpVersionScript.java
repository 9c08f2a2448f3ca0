package dev.comfyagent.release;

import dev.comfyagent.delivery.CommandRun;
import dev.comfyagent.delivery.ProjectTree;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * {@code scripts/BumpVersion.java} as a test runs it: compiled once for Java 17 (so a test on a
 * newer JDK still catches an API the release script may not use), then run as a child {@code java}
 * process per case; {@link #runFromSource} runs it exactly as the docs say, with the source
 * launcher.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * BumpVersionScript script = BumpVersionScript.compile(tempDir);
 * CommandRun.Result result = script.run(repo.root(), repo.gitEnvironment(), "minor", "--dry-run");
 * }</pre>
 */
final class BumpVersionScript {

  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  private final Path classes;

  private BumpVersionScript(Path classes) {
    this.classes = classes;
  }

  static Path source() {
    return ProjectTree.root().resolve("scripts").resolve("BumpVersion.java");
  }

  /**
   * Compiles the script with {@code --release 17 -Xlint:all -Werror}.
   *
   * @throws IllegalStateException with the compiler's messages when it does not compile cleanly
   */
  static BumpVersionScript compile(Path directory) {
    try {
      Path classes = Files.createDirectories(directory.resolve("bump-classes"));
      JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
      StringWriter messages = new StringWriter();
      boolean ok =
          compiler
              .getTask(
                  messages,
                  null,
                  null,
                  List.of("--release", "17", "-Xlint:all", "-Werror", "-d", classes.toString()),
                  null,
                  compiler.getStandardFileManager(null, null, null).getJavaFileObjects(source()))
              .call();
      if (!ok) {
        throw new IllegalStateException("scripts/BumpVersion.java does not compile:\n" + messages);
      }
      return new BumpVersionScript(classes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  CommandRun.Result run(Path directory, Map<String, String> environment, String... args) {
    List<String> command =
        new ArrayList<>(List.of(java(), "-cp", classes.toString(), "BumpVersion"));
    command.addAll(List.of(args));
    return CommandRun.run(directory, environment, TIMEOUT, command);
  }

  static CommandRun.Result runFromSource(
      Path directory, Map<String, String> environment, String... args) {
    List<String> command = new ArrayList<>(List.of(java(), source().toString()));
    command.addAll(List.of(args));
    return CommandRun.run(directory, environment, TIMEOUT, command);
  }

  private static String java() {
    return Path.of(
            System.getProperty("java.home"), "bin", CommandRun.isWindows() ? "java.exe" : "java")
        .toString();
  }
}
