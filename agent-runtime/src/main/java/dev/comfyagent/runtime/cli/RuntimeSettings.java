package dev.comfyagent.runtime.cli;

import dev.comfyagent.runtime.comfy.ComfyUiSettings;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The settings of {@code serve}, resolved from flags, then the environment, then the defaults (see
 * {@link Setting} for the table), checked, with paths made absolute.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * RuntimeSettings settings = RuntimeSettings.resolve(Map.of(Setting.COMFYUI_PORT, "8189"),
 *     System.getenv(), Path.of("").toAbsolutePath());
 * settings.comfyUi();   // host, port and timeouts for the ComfyUI client
 * }</pre>
 *
 * @param comfyUiHost ComfyUI's host
 * @param comfyUiPort ComfyUI's port
 * @param comfyUiPath the ComfyUI install, if given
 * @param sessionsDir where sessions are saved (may not exist yet)
 * @param sessionsDirExplicit whether the sessions directory was chosen by flag or environment
 * @param logDir where the log file goes (may not exist yet)
 * @param logDirExplicit whether the log directory was chosen by flag or environment
 * @param workflowRoots directories workflows may be read from and saved to; empty when file access
 *     is off
 * @param connectTimeout TCP connect timeout to ComfyUI
 * @param requestTimeout timeout of one HTTP request
 * @param executionTimeout how long a render is waited for
 * @param catalogTtl how long node and model lists are cached
 * @param undoLimit undo steps kept per workflow
 * @param maxOpenSessions named sessions kept open
 * @param logLevel the runtime's log level
 */
public record RuntimeSettings(
    String comfyUiHost,
    int comfyUiPort,
    Optional<Path> comfyUiPath,
    Path sessionsDir,
    boolean sessionsDirExplicit,
    Path logDir,
    boolean logDirExplicit,
    List<Path> workflowRoots,
    Duration connectTimeout,
    Duration requestTimeout,
    Duration executionTimeout,
    Duration catalogTtl,
    int undoLimit,
    int maxOpenSessions,
    String logLevel) {

  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");
  private static final Set<String> LEVELS = Set.of("ERROR", "WARN", "INFO", "DEBUG", "TRACE");
  private static final Duration MAX_TIMEOUT = Duration.ofDays(1);

  /** Where ComfyUI keeps the workflows its frontend saves, inside its install. */
  static final String COMFYUI_USER_WORKFLOWS = "user/default/workflows";

  public RuntimeSettings {
    workflowRoots = List.copyOf(workflowRoots);
  }

  /**
   * Resolves the settings.
   *
   * @param flags values given on the command line
   * @param environment the process environment (blank values count as unset)
   * @param workingDirectory what relative paths are relative to
   * @throws SettingsException for the first value that cannot be used
   */
  public static RuntimeSettings resolve(
      Map<Setting, String> flags, Map<String, String> environment, Path workingDirectory)
      throws SettingsException {
    return resolve(
        flags, environment, workingDirectory, homeDirectory(System.getProperty("user.home")));
  }

  /**
   * {@link #resolve(Map, Map, Path)} with the home directory given (tests).
   *
   * @param home the user's home directory, which no workflow root may be or contain
   */
  static RuntimeSettings resolve(
      Map<Setting, String> flags,
      Map<String, String> environment,
      Path workingDirectory,
      Optional<Path> home)
      throws SettingsException {
    for (Map.Entry<Setting, String> flag : flags.entrySet()) {
      if (flag.getValue() != null && flag.getValue().isBlank()) {
        Setting s = flag.getKey();
        throw new SettingsException(
            s.flag()
                + " is empty: give a value ("
                + s.description()
                + "), or leave the flag out"
                + (s.defaultValue() == null ? "" : " for the default " + s.defaultValue()));
      }
    }
    Resolver r =
        new Resolver(flags, environment, workingDirectory.toAbsolutePath().normalize(), home);
    String host = r.host();
    int port = r.integer(Setting.COMFYUI_PORT, 1, 65_535, "a port number");
    Optional<Path> comfyUiPath = r.optionalDirectory(Setting.COMFYUI_PATH);
    Path sessions = r.directoryToBe(Setting.SESSIONS_DIR);
    boolean sessionsExplicit = r.source(Setting.SESSIONS_DIR) != Source.DEFAULT;
    Path logs = r.directoryToBe(Setting.LOG_DIR);
    boolean logsExplicit = r.source(Setting.LOG_DIR) != Source.DEFAULT;
    List<Path> roots = r.workflowRoots(comfyUiPath);
    Duration connect = r.duration(Setting.CONNECT_TIMEOUT, false);
    Duration request = r.duration(Setting.REQUEST_TIMEOUT, false);
    Duration execution = r.duration(Setting.EXECUTION_TIMEOUT, false);
    Duration ttl = r.duration(Setting.CATALOG_TTL, true);
    int undo = r.integer(Setting.UNDO_LIMIT, 1, 10_000, "a number of undo steps");
    int open = r.integer(Setting.MAX_OPEN_SESSIONS, 1, 1_000, "a number of sessions");
    String level = r.level();
    return new RuntimeSettings(
        host,
        port,
        comfyUiPath,
        sessions,
        sessionsExplicit,
        logs,
        logsExplicit,
        roots,
        connect,
        request,
        execution,
        ttl,
        undo,
        open,
        level);
  }

  /** The ComfyUI client's settings: these address and timeouts, the documented breaker defaults. */
  public ComfyUiSettings comfyUi() {
    ComfyUiSettings defaults = ComfyUiSettings.defaults();
    return new ComfyUiSettings(
        comfyUiHost,
        comfyUiPort,
        connectTimeout,
        requestTimeout,
        defaults.breakerFailureThreshold(),
        defaults.breakerOpenDuration(),
        defaults.requestsPerSecond());
  }

  /** {@code host:port} of ComfyUI. */
  public String comfyUiEndpoint() {
    return comfyUiHost + ":" + comfyUiPort;
  }

  /** Where a value came from. */
  enum Source {
    FLAG,
    ENVIRONMENT,
    DEFAULT
  }

  private static final class Resolver {
    private final Map<Setting, String> flags;
    private final Map<String, String> environment;
    private final Path workingDirectory;
    private final Optional<Path> home;

    Resolver(
        Map<Setting, String> flags,
        Map<String, String> environment,
        Path workingDirectory,
        Optional<Path> home) {
      this.flags = flags;
      this.environment = environment;
      this.workingDirectory = workingDirectory;
      this.home = home;
    }

    Source source(Setting s) {
      if (flags.get(s) != null) {
        return Source.FLAG;
      }
      String env = environment.get(s.environmentVariable());
      return env != null && !env.isBlank() ? Source.ENVIRONMENT : Source.DEFAULT;
    }

    /** The raw value, or null when neither given nor defaulted. */
    String raw(Setting s) {
      return switch (source(s)) {
        case FLAG -> flags.get(s).strip();
        case ENVIRONMENT -> environment.get(s.environmentVariable()).strip();
        case DEFAULT -> s.defaultValue();
      };
    }

    SettingsException bad(Setting s, String problem) {
      String value = raw(s);
      String origin =
          switch (source(s)) {
            case FLAG -> s.flag() + " " + value;
            case ENVIRONMENT -> s.environmentVariable() + "=" + value + " (environment)";
            case DEFAULT -> s.flag() + " default " + value;
          };
      return new SettingsException(origin + ": " + problem);
    }

    String host() throws SettingsException {
      Setting s = Setting.COMFYUI_HOST;
      String host = raw(s);
      if (host.contains("://")) {
        throw bad(s, "give the host name only (no http://); the port goes in COMFYUI_PORT");
      }
      if (host.chars().anyMatch(Character::isWhitespace) || host.contains("/")) {
        throw bad(s, "not a host name or address");
      }
      if (host.lastIndexOf(':') > 0
          && !host.startsWith("[")
          && host.indexOf(':') == host.lastIndexOf(':')) {
        throw bad(s, "give the host name only; the port goes in COMFYUI_PORT");
      }
      // What the HTTP client will be given: a host it cannot parse would fail on every call.
      String forUri = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
      try {
        URI uri = new URI("http://" + forUri + ":8188/");
        if (uri.getHost() == null || !uri.getHost().equalsIgnoreCase(forUri)) {
          throw new URISyntaxException(host, "not a host on its own");
        }
      } catch (URISyntaxException e) {
        throw bad(
            s,
            "not a host name or address (letters, digits, '-' and '.', no '_'; or an IP"
                + " address)");
      }
      return host;
    }

    int integer(Setting s, int min, int max, String what) throws SettingsException {
      String value = raw(s);
      int n;
      try {
        n = Integer.parseInt(value);
      } catch (NumberFormatException e) {
        throw bad(s, "not " + what + "; use " + min + " to " + max);
      }
      if (n < min || n > max) {
        throw bad(s, "out of range; use " + min + " to " + max);
      }
      return n;
    }

    Duration duration(Setting s, boolean zeroAllowed) throws SettingsException {
      String value = raw(s).toLowerCase(Locale.ROOT);
      Duration d;
      Matcher m = DURATION.matcher(value);
      if (m.matches()) {
        long amount;
        try {
          amount = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
          throw bad(s, "too large");
        }
        String unit = m.group(2) == null ? "s" : m.group(2);
        d =
            switch (unit) {
              case "ms" -> Duration.ofMillis(amount);
              case "m" -> Duration.ofMinutes(Math.min(amount, 1_000_000));
              case "h" -> Duration.ofHours(Math.min(amount, 1_000_000));
              case "d" -> Duration.ofDays(Math.min(amount, 1_000_000));
              default -> Duration.ofSeconds(Math.min(amount, 1_000_000_000L));
            };
      } else {
        try {
          d = Duration.parse(value.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
          throw bad(s, "not a duration; write it like 30s, 500ms, 5m, 1h or PT30S");
        }
      }
      if (d.isNegative() || (!zeroAllowed && d.isZero())) {
        throw bad(s, zeroAllowed ? "must not be negative" : "must be more than zero");
      }
      if (d.compareTo(MAX_TIMEOUT) > 0) {
        throw bad(s, "more than a day; use at most 24h");
      }
      return d;
    }

    String level() throws SettingsException {
      String level = raw(Setting.LOG_LEVEL).toUpperCase(Locale.ROOT);
      if (!LEVELS.contains(level)) {
        throw bad(Setting.LOG_LEVEL, "not a log level; use ERROR, WARN, INFO, DEBUG or TRACE");
      }
      return level;
    }

    Path path(Setting s, String value) throws SettingsException {
      try {
        return workingDirectory.resolve(value).toAbsolutePath().normalize();
      } catch (InvalidPathException e) {
        throw bad(s, "not a valid path (" + e.getReason() + ")");
      }
    }

    /** A directory that is created when first needed: it may be missing, but not be a file. */
    Path directoryToBe(Setting s) throws SettingsException {
      Path p = path(s, raw(s));
      if (Files.exists(p) && !Files.isDirectory(p)) {
        throw bad(s, p + " is a file, not a directory");
      }
      return p;
    }

    Optional<Path> optionalDirectory(Setting s) throws SettingsException {
      String value = raw(s);
      if (value == null) {
        return Optional.empty();
      }
      Path p = path(s, value);
      if (!Files.isDirectory(p)) {
        throw bad(s, "no such directory: " + p);
      }
      return Optional.of(p);
    }

    /**
     * WORKFLOWS_DIR when given; otherwise the {@code user/default/workflows} folder of COMFYUI_PATH
     * when it exists; otherwise none (file access off). A root that is a file system root, the home
     * directory or a folder holding it is refused: it would open every file there (keys, shell
     * start-up files) to prompt-injected paths.
     */
    List<Path> workflowRoots(Optional<Path> comfyUiPath) throws SettingsException {
      Setting s = Setting.WORKFLOWS_DIR;
      List<Path> roots = new ArrayList<>();
      String value = raw(s);
      if (value == null) {
        if (comfyUiPath.isPresent()) {
          Path userWorkflows = comfyUiPath.get().resolve(COMFYUI_USER_WORKFLOWS).normalize();
          if (Files.isDirectory(userWorkflows)) {
            requireSafeRoot(Setting.COMFYUI_PATH, userWorkflows);
            roots.add(userWorkflows);
          }
        }
        return roots;
      }
      for (String part : value.split(Pattern.quote(File.pathSeparator))) {
        if (part.isBlank()) {
          continue;
        }
        Path p = path(s, part.strip());
        if (!Files.isDirectory(p)) {
          throw bad(s, "no such directory: " + p);
        }
        if (!Files.isReadable(p)) {
          throw bad(s, p + " cannot be read by this process");
        }
        requireSafeRoot(s, p);
        if (!roots.contains(p)) {
          roots.add(p);
        }
      }
      if (roots.isEmpty()) {
        throw bad(s, "names no directory");
      }
      return roots;
    }

    private void requireSafeRoot(Setting s, Path root) throws SettingsException {
      Path real = realPath(root);
      if (real.getParent() == null) {
        throw bad(
            s,
            real
                + " is the root of a file system; name the folder that holds your workflows"
                + " (file access there would reach every file)");
      }
      if (home.isPresent() && home.get().startsWith(real)) {
        String what =
            home.get().equals(real)
                ? real + " is your home directory"
                : real + " holds your home directory " + home.get();
        throw bad(
            s,
            what
                + "; name a folder inside it, such as "
                + home.get().resolve("comfy-workflows")
                + " (keys and settings in the home directory must stay out of the assistant's"
                + " reach)");
      }
    }
  }

  /** The user's home directory as a root may not contain it; empty when there is no usable one. */
  static Optional<Path> homeDirectory(String userHome) {
    if (userHome == null || userHome.isBlank()) {
      return Optional.empty();
    }
    try {
      Path home = Path.of(userHome);
      if (!home.isAbsolute() || home.getParent() == null) {
        // "/" as a home (a container's system user) would refuse every root.
        return Optional.empty();
      }
      return Optional.of(realPath(home.normalize()));
    } catch (InvalidPathException e) {
      return Optional.empty();
    }
  }

  /** The path with links followed where it exists, else as given. */
  private static Path realPath(Path path) {
    try {
      return path.toRealPath();
    } catch (IOException | SecurityException e) {
      return path;
    }
  }
}
