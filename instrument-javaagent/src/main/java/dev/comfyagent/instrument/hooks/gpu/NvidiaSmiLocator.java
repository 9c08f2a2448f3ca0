package dev.comfyagent.instrument.hooks.gpu;

import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the nvidia-smi executable the way a shell would, without starting anything.
 *
 * <p>On Linux and macOS: the first executable regular file named {@code nvidia-smi} in a {@code
 * PATH} directory (empty entries, which would mean the working directory, are skipped). On Windows:
 * {@code nvidia-smi.exe}, {@code .bat} or {@code .cmd} in each {@code PATH} directory in order,
 * then the driver's install folders that are often missing from {@code PATH}: {@code
 * %ProgramFiles%\NVIDIA Corporation\NVSMI} and {@code %SystemRoot%\System32} (where current drivers
 * put it). An explicit path ({@code gpu.nvidia-smi}) is used as given.
 *
 * <p>Stateless and thread safe; every call looks again, so an nvidia-smi installed later is found.
 */
final class NvidiaSmiLocator {

  private static final List<String> WINDOWS_EXTENSIONS = List.of(".exe", ".bat", ".cmd");

  private final HostEnvironment host;

  NvidiaSmiLocator(HostEnvironment host) {
    this.host = host;
  }

  /** The executable to run, or empty when there is none. */
  Optional<Path> locate(Path override) {
    if (override != null) {
      Path resolved = resolve(override.toString());
      return resolved != null && Files.isRegularFile(resolved)
          ? Optional.of(resolved)
          : Optional.empty();
    }
    for (Path candidate : candidates()) {
      if (Files.isRegularFile(candidate) && (host.isWindows() || Files.isExecutable(candidate))) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** Where {@link #locate} looks, for the message that says it found nothing. */
  String describeSearch(Path override) {
    if (override != null) {
      return "gpu.nvidia-smi=" + override + " does not exist";
    }
    String path = host.variable("PATH").orElse("");
    if (!host.isWindows()) {
      return "nvidia-smi is not on PATH (" + path + ")";
    }
    return "nvidia-smi.exe is not on PATH ("
        + path
        + ") nor in "
        + programFiles().resolve("NVIDIA Corporation").resolve("NVSMI")
        + " or "
        + systemRoot().resolve("System32");
  }

  /** Every file name tried, in order. */
  List<Path> candidates() {
    List<Path> candidates = new ArrayList<>();
    String separator = host.isWindows() ? ";" : ":";
    for (String entry : host.variable("PATH").orElse("").split(separator, -1)) {
      String directory = host.isWindows() ? unquote(entry.trim()) : entry;
      if (directory.isEmpty()) {
        continue;
      }
      Path folder = resolve(directory);
      if (folder == null) {
        continue;
      }
      if (host.isWindows()) {
        for (String extension : WINDOWS_EXTENSIONS) {
          candidates.add(folder.resolve("nvidia-smi" + extension));
        }
      } else {
        candidates.add(folder.resolve("nvidia-smi"));
      }
    }
    if (host.isWindows()) {
      candidates.add(
          programFiles().resolve("NVIDIA Corporation").resolve("NVSMI").resolve("nvidia-smi.exe"));
      candidates.add(systemRoot().resolve("System32").resolve("nvidia-smi.exe"));
    }
    return candidates;
  }

  private Path programFiles() {
    return windowsFolder("ProgramFiles", "C:\\Program Files");
  }

  private Path systemRoot() {
    return windowsFolder("SystemRoot", "C:\\Windows");
  }

  private Path windowsFolder(String variable, String fallback) {
    Path folder = resolve(host.variable(variable).filter(v -> !v.isBlank()).orElse(fallback));
    return folder != null ? folder : host.fileSystem().getPath(fallback);
  }

  private Path resolve(String name) {
    FileSystem fileSystem = host.fileSystem();
    try {
      return fileSystem.getPath(name);
    } catch (InvalidPathException e) {
      return null;
    }
  }

  private static String unquote(String entry) {
    if (entry.length() >= 2 && entry.startsWith("\"") && entry.endsWith("\"")) {
      return entry.substring(1, entry.length() - 1);
    }
    return entry;
  }
}
