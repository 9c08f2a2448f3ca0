package dev.comfyagent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the installer says when the agent cannot be created: the real cause, on one line. */
class AgentInstallerTest {

  private static final String TRIGGER = "io/modelcontextprotocol/server/McpServer";

  @TempDir Path dir;

  @Test
  void aFailureThatIsNotAboutFilesIsReportedByItsOwnNameNotAsTheOutputFolder() throws Exception {
    String stderr =
        startWith(
            (config, instrumentation, late, loader, watch, identity) -> {
              throw new IllegalStateException("the recorders cannot be built");
            });

    assertThat(stderr.lines().toList())
        .singleElement()
        .asString()
        .startsWith(
            "comfy-agent: cannot start (java.lang.IllegalStateException: the recorders cannot be"
                + " built at ")
        .contains("AgentInstallerTest")
        .doesNotContain("output.dir")
        .endsWith("the application runs without the agent (strict=true stops it instead)");
  }

  @Test
  void aLinkageErrorIsReportedAndTheHostGoesOn() throws Exception {
    String stderr =
        startWith(
            (config, instrumentation, late, loader, watch, identity) -> {
              throw new NoClassDefFoundError("dev/comfyagent/instrument/emit/TraceQueue");
            });

    assertThat(stderr.lines().toList())
        .singleElement()
        .asString()
        .contains("cannot start (java.lang.NoClassDefFoundError:")
        .contains("emit/TraceQueue")
        .doesNotContain("output.dir");
  }

  @Test
  void aFailureToWriteTheOutputFilesNamesTheOutputFolder() throws Exception {
    String stderr =
        startWith(
            (config, instrumentation, late, loader, watch, identity) -> {
              throw new java.nio.file.AccessDeniedException(config.outputDir().toString());
            });

    assertThat(stderr)
        .startsWith("comfy-agent: cannot write to output.dir " + dir.resolve("logs"))
        .contains("AccessDeniedException");
  }

  /** Installs the agent with {@code factory}, then loads a trigger class; returns stderr. */
  private String startWith(AgentInstaller.AgentFactory factory) throws IOException {
    List<ClassFileTransformer> registered = new ArrayList<>();
    Path jar = dir.resolve("a.jar");
    new java.util.jar.JarOutputStream(Files.newOutputStream(jar)).close();
    AgentInstaller.install(
        "output.dir=" + dir.resolve("logs"), instrumentation(registered), false, jar, factory);
    return stderrOf(
        () -> {
          try {
            assertThat(registered.get(0).transform(null, null, TRIGGER, null, null, new byte[0]))
                .as("the trigger class is left as it is")
                .isNull();
          } catch (IllegalClassFormatException e) {
            throw new AssertionError(e);
          }
        });
  }

  /** An Instrumentation that records transformers and accepts the jar on the boot class path. */
  private static Instrumentation instrumentation(List<ClassFileTransformer> registered) {
    return (Instrumentation)
        Proxy.newProxyInstance(
            AgentInstallerTest.class.getClassLoader(),
            new Class<?>[] {Instrumentation.class},
            (proxy, method, args) -> {
              if (method.getName().equals("addTransformer")) {
                registered.add((ClassFileTransformer) args[0]);
              }
              return method.getReturnType() == boolean.class ? Boolean.FALSE : null;
            });
  }

  private static String stderrOf(Runnable action) {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }
}
