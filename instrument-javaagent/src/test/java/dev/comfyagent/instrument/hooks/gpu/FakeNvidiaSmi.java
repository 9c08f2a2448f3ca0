package dev.comfyagent.instrument.hooks.gpu;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * Writes a POSIX shell script named {@code nvidia-smi} into a test folder and gives the host
 * environment whose PATH finds it first, so that tests exercise the real lookup and process
 * handling without touching the JVM's environment.
 */
final class FakeNvidiaSmi {

  private final Path folder;

  private FakeNvidiaSmi(Path folder) {
    this.folder = folder;
  }

  /** A fake whose script body (after {@code #!/bin/sh}) is the given text. */
  static FakeNvidiaSmi install(Path temp, String body) throws IOException {
    Path bin = Files.createDirectories(temp.resolve("bin"));
    Path script = bin.resolve("nvidia-smi");
    Files.writeString(script, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return new FakeNvidiaSmi(temp);
  }

  /** A fake printing the given lines, each with its line end, and exiting 0. */
  static FakeNvidiaSmi printing(Path temp, String... lines) throws IOException {
    StringBuilder body = new StringBuilder("cat <<'EOF'\n");
    for (String line : lines) {
      body.append(line).append('\n');
    }
    body.append("EOF");
    return install(temp, body.toString());
  }

  /**
   * A fake whose n-th call prints the n-th line (the last line for every later call), counting
   * calls in a file beside it.
   */
  static FakeNvidiaSmi sequence(Path temp, String... lines) throws IOException {
    StringBuilder body =
        new StringBuilder(
            "dir=$(dirname \"$0\")\n"
                + "n=$(cat \"$dir/calls\" 2>/dev/null || echo 0)\n"
                + "n=$((n+1))\n"
                + "echo $n > \"$dir/calls\"\n"
                + "case $n in\n");
    for (int i = 0; i < lines.length; i++) {
      String pattern = i == lines.length - 1 ? "*" : String.valueOf(i + 1);
      body.append("  ").append(pattern).append(") echo '").append(lines[i]).append("';;\n");
    }
    body.append("esac");
    return install(temp, body.toString());
  }

  /** The folder holding the script, and any files it writes. */
  Path folder() {
    return folder.resolve("bin");
  }

  /** A Linux host whose PATH finds this fake before the system's tools. */
  HostEnvironment host() {
    return new HostEnvironment(
        "Linux", Map.of("PATH", folder() + ":/usr/bin:/bin"), FileSystems.getDefault());
  }

  /** A Linux host whose PATH holds no nvidia-smi at all. */
  static HostEnvironment hostWithout(Path emptyFolder) {
    return new HostEnvironment(
        "Linux", Map.of("PATH", emptyFolder.toString()), FileSystems.getDefault());
  }
}
