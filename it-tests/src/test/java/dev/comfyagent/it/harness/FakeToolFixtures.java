package dev.comfyagent.it.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Compiles the fake runtime tools ({@code src/test/resources/fixtures/fixturetools}) against the
 * packaged runtime jar into a directory of their own, so that only a custom class loader of the
 * child JVM can load them: they must not be on any class path the agent knows.
 */
public final class FakeToolFixtures {

  private static final String[] SOURCES = {"EchoTool", "ChainTool", "FakeTools"};
  private static Path compiled;

  private FakeToolFixtures() {}

  /** The directory of the compiled fake tools (compiled once per test JVM). */
  public static synchronized Path classesDir() {
    if (compiled != null) {
      return compiled;
    }
    try {
      Path root = PackagedJars.workDir("fixture-tools");
      Path sources = Files.createDirectories(root.resolve("src/fixturetools"));
      Path classes = Files.createDirectories(root.resolve("classes"));
      List<String> arguments =
          new ArrayList<>(
              List.of(
                  "-proc:none",
                  "--release",
                  "17",
                  "-cp",
                  PackagedJars.runtimeJar().toString(),
                  "-d",
                  classes.toString()));
      for (String name : SOURCES) {
        try (InputStream in =
            FakeToolFixtures.class.getResourceAsStream(
                "/fixtures/fixturetools/" + name + ".java")) {
          if (in == null) {
            throw new IllegalStateException("missing fixture source " + name);
          }
          Path file = sources.resolve(name + ".java");
          Files.write(file, in.readAllBytes());
          arguments.add(file.toString());
        }
      }
      JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
      int status = javac.run(null, null, System.err, arguments.toArray(String[]::new));
      if (status != 0) {
        throw new IllegalStateException(
            "fixture tools did not compile (javac exit " + status + ")");
      }
      compiled = classes;
      return compiled;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
