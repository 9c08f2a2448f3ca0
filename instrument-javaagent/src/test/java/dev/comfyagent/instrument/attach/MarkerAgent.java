package dev.comfyagent.instrument.attach;

import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A test agent: writes its options and whether retransformation is supported to the file named by
 * its {@code marker=} option, and sets the property the real agent sets, as proof that {@code
 * attach} loaded it.
 */
public final class MarkerAgent {

  private MarkerAgent() {}

  /** Entry point of a dynamically loaded agent. */
  public static void agentmain(String options, Instrumentation instrumentation) throws IOException {
    System.setProperty(TargetJvm.LOADED_PROPERTY, "marker-agent");
    for (String option : options.split(",")) {
      if (option.startsWith("marker=")) {
        Files.writeString(
            Path.of(option.substring("marker=".length())),
            options + "\nretransform=" + instrumentation.isRetransformClassesSupported(),
            StandardCharsets.UTF_8);
      }
    }
  }
}
