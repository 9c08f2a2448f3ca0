package dev.comfyagent.runtime.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * The runtime's version, from {@code version.properties} (written by the build) or else the jar
 * manifest's {@code Implementation-Version}.
 *
 * <p>Usage: {@code RuntimeVersion.current()} gives {@code 0.1.0} (or {@code unknown} when run from
 * classes the build did not process).
 */
public final class RuntimeVersion {

  private static final String RESOURCE = "/dev/comfyagent/runtime/cli/version.properties";

  private RuntimeVersion() {}

  /** The version, never {@code null}. */
  public static String current() {
    try (InputStream in = RuntimeVersion.class.getResourceAsStream(RESOURCE)) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        String v = p.getProperty("version", "").strip();
        if (!v.isEmpty() && !v.startsWith("${")) {
          return v;
        }
      }
    } catch (IOException e) {
      // Fall through to the manifest.
    }
    String fromManifest = RuntimeVersion.class.getPackage().getImplementationVersion();
    return fromManifest != null ? fromManifest : "unknown";
  }

  /** Answers picocli's {@code --version}. */
  public static final class Provider implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "comfy-agent runtime " + current(),
        "Java "
            + System.getProperty("java.version")
            + " ("
            + System.getProperty("java.vendor")
            + ")"
      };
    }
  }
}
