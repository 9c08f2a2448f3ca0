package dev.comfyagent.instrument.attach;

import dev.comfyagent.instrument.host.RuntimeContract;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;

/**
 * What a JVM looks like to the attach command: the comfy-agent runtime, some other MCP Java SDK
 * server, or anything else — judged from its command line and class path, and from the classes in
 * the jars named there.
 *
 * <p>Stateless and thread safe.
 */
enum JvmKind {
  /** The comfy-agent runtime ({@code agent-runtime-<v>.jar} or its main class). */
  AGENT_RUNTIME("agent-runtime"),
  /** A JVM whose class path holds the MCP Java SDK's server classes. */
  MCP_SDK_SERVER("MCP SDK server"),
  /** Any other JVM. */
  OTHER("other JVM");

  /** A class every MCP Java SDK server loads: tools/call passes through it. */
  static final String MCP_SERVER_CLASS = "io/modelcontextprotocol/server/McpAsyncServer.class";

  private static final String RUNTIME_MAIN_CLASS =
      RuntimeContract.RUNTIME_MAIN.replace('.', '/') + ".class";

  /** The SDK's jar by name: {@code mcp-core-<v>.jar} (1.x on), {@code mcp-<v>.jar} (0.x). */
  private static final Pattern SDK_JAR = Pattern.compile("mcp(-core)?-\\d[^/\\\\]*\\.jar");

  /** Where a Spring Boot executable jar keeps its own classes and its libraries. */
  private static final String BOOT_CLASSES = "BOOT-INF/classes/";

  private static final String BOOT_LIB = "BOOT-INF/lib/";
  private static final int MAX_JARS_OPENED = 400;

  private final String label;

  JvmKind(String label) {
    this.label = label;
  }

  /** How the kind reads in the command's output. */
  String label() {
    return label;
  }

  /**
   * Judges a JVM. Class path entries are resolved against the target's working directory and, on
   * Linux, also through {@code /proc/<pid>/root} so that a JVM in a container is judged by its own
   * files.
   */
  static JvmKind of(TargetJvm jvm) {
    String command = jvm.displayName();
    String firstWord = command.split("\\s+", 2)[0];
    if (firstWord.startsWith(RuntimeContract.PACKAGE_PREFIX)
        || fileName(firstWord).matches(RuntimeContract.RUNTIME_JAR_NAME)) {
      return AGENT_RUNTIME;
    }
    List<Path> entries = classPath(jvm, firstWord);
    if (entries.stream().anyMatch(entry -> holds(entry, RUNTIME_MAIN_CLASS))) {
      return AGENT_RUNTIME;
    }
    boolean sdkJarByName =
        entries.stream()
            .map(Path::getFileName)
            .filter(Objects::nonNull)
            .map(Path::toString)
            .anyMatch(name -> SDK_JAR.matcher(name).matches());
    if (sdkJarByName) {
      return MCP_SDK_SERVER;
    }
    int opened = 0;
    for (Path entry : entries) {
      if (opened++ >= MAX_JARS_OPENED) {
        break;
      }
      if (holds(entry, MCP_SERVER_CLASS)) {
        return MCP_SDK_SERVER;
      }
    }
    return OTHER;
  }

  private static List<Path> classPath(TargetJvm jvm, String firstWord) {
    List<String> names = new ArrayList<>();
    String classPath = jvm.properties().get("java.class.path");
    if (classPath != null && !classPath.isBlank()) {
      for (String entry : classPath.split(File.pathSeparator)) {
        if (!entry.isBlank()) {
          names.add(entry);
        }
      }
    } else if (firstWord.toLowerCase(Locale.ROOT).endsWith(".jar")) {
      names.add(firstWord);
    }
    String workingDirectory = jvm.properties().get("user.dir");
    List<Path> paths = new ArrayList<>();
    for (String name : names) {
      Path path = resolve(jvm.pid(), workingDirectory, name);
      if (path != null) {
        paths.add(path);
      }
    }
    return paths;
  }

  private static Path resolve(long pid, String workingDirectory, String name) {
    try {
      Path path = Path.of(name);
      if (!path.isAbsolute() && workingDirectory != null) {
        path = Path.of(workingDirectory).resolve(path);
      }
      if (Files.exists(path) || !path.isAbsolute()) {
        return path;
      }
      Path inContainer =
          Path.of("/proc", Long.toString(pid), "root").resolve(path.toString().substring(1));
      return Files.exists(inContainer) ? inContainer : path;
    } catch (InvalidPathException | SecurityException e) {
      return null;
    }
  }

  private static boolean holds(Path entry, String classFile) {
    try {
      if (Files.isDirectory(entry)) {
        return Files.isRegularFile(entry.resolve(classFile));
      }
      if (!Files.isRegularFile(entry)) {
        return false;
      }
      try (JarFile jar = new JarFile(entry.toFile(), false)) {
        return jar.getEntry(classFile) != null || bootJarHolds(jar, classFile);
      }
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Whether a Spring Boot executable jar holds the class: among its own classes ({@code
   * BOOT-INF/classes/}), or, for the SDK's server class, as the SDK's jar in {@code BOOT-INF/lib/}
   * (judged by its name: nested jars are not opened).
   */
  private static boolean bootJarHolds(JarFile jar, String classFile) {
    if (jar.getEntry(BOOT_CLASSES + classFile) != null) {
      return true;
    }
    if (!classFile.equals(MCP_SERVER_CLASS)) {
      return false;
    }
    return jar.stream()
        .map(JarEntry::getName)
        .filter(name -> name.startsWith(BOOT_LIB))
        .anyMatch(name -> SDK_JAR.matcher(name.substring(BOOT_LIB.length())).matches());
  }

  private static String fileName(String path) {
    int slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
    return path.substring(slash + 1);
  }
}
