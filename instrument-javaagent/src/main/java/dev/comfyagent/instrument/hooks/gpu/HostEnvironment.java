package dev.comfyagent.instrument.hooks.gpu;

import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The parts of the host that decide how nvidia-smi is found and started: the operating system's
 * name, the environment variables handed to the child process, and the file system searched.
 *
 * <p>Injected rather than read from the JVM so that tests can put a fake nvidia-smi on a {@code
 * PATH} of their own, or look one up on a fake Windows file system, without touching the JVM's
 * environment. {@link #current()} is what the agent uses.
 *
 * <p>Immutable and thread safe (the variables are copied).
 *
 * @param osName the {@code os.name} to behave as (only "Windows…" versus anything else matters)
 * @param variables environment variables for the lookup and for the child process
 * @param fileSystem where {@code PATH} entries and the Windows install folders are resolved
 */
public record HostEnvironment(String osName, Map<String, String> variables, FileSystem fileSystem) {

  /** Copies the variables. */
  public HostEnvironment {
    Objects.requireNonNull(osName, "osName");
    Objects.requireNonNull(fileSystem, "fileSystem");
    variables = Map.copyOf(variables);
  }

  /** This JVM's operating system, environment and default file system. */
  public static HostEnvironment current() {
    return new HostEnvironment(
        System.getProperty("os.name", ""), System.getenv(), FileSystems.getDefault());
  }

  /** Whether executables are looked up the Windows way ({@code .exe}, {@code ;} in PATH). */
  public boolean isWindows() {
    return osName.toLowerCase(Locale.ROOT).startsWith("windows");
  }

  /**
   * A variable's value; names are case-insensitive on Windows ({@code Path} and {@code PATH} are
   * the same variable there).
   */
  public Optional<String> variable(String name) {
    String exact = variables.get(name);
    if (exact != null || !isWindows()) {
      return Optional.ofNullable(exact);
    }
    return variables.entrySet().stream()
        .filter(entry -> entry.getKey().equalsIgnoreCase(name))
        .map(Map.Entry::getValue)
        .findFirst();
  }

  /** The same host with one variable set (replacing any spelling of it on Windows). */
  public HostEnvironment withVariable(String name, String value) {
    Map<String, String> copy = new HashMap<>(variables);
    if (isWindows()) {
      copy.keySet().removeIf(key -> key.equalsIgnoreCase(name));
    }
    copy.put(name, value);
    return new HostEnvironment(osName, copy, fileSystem);
  }
}
