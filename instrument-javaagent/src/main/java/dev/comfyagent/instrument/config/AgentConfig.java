package dev.comfyagent.instrument.config;

import dev.comfyagent.instrument.entry.AgentArguments;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The agent's resolved options, from four sources in this order of precedence (the first that sets
 * a key wins):
 *
 * <ol>
 *   <li>the arguments after the jar: {@code -javaagent:agent.jar=key=value,key=value}
 *   <li>system properties {@code comfyagent.<key>} ({@code -Dcomfyagent.output.dir=/var/log/agent})
 *   <li>environment variables {@code COMFYAGENT_<KEY>}, the key upper-cased with dots as
 *       underscores ({@code COMFYAGENT_OUTPUT_DIR})
 *   <li>the file named by {@code config} (from any source above): {@code key=value} lines, {@code
 *       #} comments, values read literally
 * </ol>
 *
 * then the defaults of {@link Option}. Every key of every source is checked: an unknown key or a
 * malformed value fails {@link #resolve} with a {@link ConfigException} naming it.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * AgentConfig config = AgentConfig.resolve(agentArgs, System.getProperties(), System.getenv());
 * Path out = config.outputDir();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class AgentConfig {

  /** Prefix of the system properties the agent reads. */
  public static final String PROPERTY_PREFIX = AgentArguments.PROPERTY_PREFIX;

  /** Prefix of the environment variables the agent reads. */
  public static final String ENV_PREFIX = AgentArguments.ENV_PREFIX;

  private static final long MIN_INTERVAL_MILLIS = 100;

  /** The longest service name: it is written on every trace line, which must stay within a page. */
  static final int MAX_SERVICE_NAME = 128;

  private final Map<String, String> values;
  private final Map<String, String> origins;

  private AgentConfig(Map<String, String> values, Map<String, String> origins) {
    this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    this.origins = Collections.unmodifiableMap(new TreeMap<>(origins));
  }

  /** The configuration with every option at its default. */
  public static AgentConfig defaults() {
    try {
      return resolve(null, Map.of(), Map.of());
    } catch (ConfigException e) {
      throw new IllegalStateException("the defaults must be valid", e);
    }
  }

  /**
   * Resolves the options from all sources.
   *
   * @param agentArguments the string after {@code =} in {@code -javaagent:}, or {@code null}
   * @param systemProperties the JVM's system properties (only {@code comfyagent.*} are read)
   * @param environment the process environment (only {@code COMFYAGENT_*} are read)
   * @throws ConfigException naming the first unknown option or malformed value
   */
  public static AgentConfig resolve(
      String agentArguments, Map<?, ?> systemProperties, Map<String, String> environment)
      throws ConfigException {
    List<Source> sources = new ArrayList<>();
    // Decided before the arguments are parsed: strict set as a system property or an environment
    // variable (or in a well-formed pair) stops the start even when the arguments are malformed.
    boolean strict = AgentArguments.strictRequested(agentArguments, systemProperties, environment);
    Source arguments = new Source("the -javaagent arguments");
    try {
      for (Map.Entry<String, String> pair : AgentArguments.parse(agentArguments).entrySet()) {
        arguments.put(pair.getKey(), pair.getValue(), "");
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), strict);
    }
    sources.add(arguments);

    Source properties = new Source("system property");
    // Loops rather than lambdas: this runs in premain of every JVM the agent is loaded into.
    for (Map.Entry<?, ?> property : systemProperties.entrySet()) {
      if (property.getKey() instanceof String key
          && key.startsWith(PROPERTY_PREFIX)
          && property.getValue() instanceof String value) {
        properties.put(key.substring(PROPERTY_PREFIX.length()), value, " " + key);
      }
    }
    sources.add(properties);

    Source variables = new Source("environment variable");
    for (Map.Entry<String, String> variable : environment.entrySet()) {
      String name = variable.getKey();
      if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length()) {
        String key = name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
        variables.put(key, variable.getValue(), " " + name);
      }
    }
    sources.add(variables);

    String configFile = firstValue(sources, Option.CONFIG.key());
    if (configFile != null) {
      sources.add(readFile(configFile.trim(), strict));
    }

    Map<String, String> values = new LinkedHashMap<>();
    Map<String, String> origins = new LinkedHashMap<>();
    for (Option option : Option.values()) {
      if (option.defaultValue() != null) {
        values.put(option.key(), option.defaultValue());
        origins.put(option.key(), "default");
      }
    }
    for (int i = sources.size() - 1; i >= 0; i--) {
      Source source = sources.get(i);
      for (Map.Entry<String, String> entry : source.values.entrySet()) {
        String key = entry.getKey();
        String value = entry.getValue();
        String origin = source.describe(key);
        check(key, value, origin, strict);
        values.put(key, value);
        origins.put(key, origin);
      }
    }
    AgentConfig config = new AgentConfig(values, origins);
    config.checkRanges(strict);
    return config;
  }

  /** The raw value of {@code option} (its default when no source set it), or {@code null}. */
  public String get(Option option) {
    return values.get(option.key());
  }

  /**
   * Where the value of {@code key} came from, for diagnostics ("default", "system property ...").
   */
  public String origin(String key) {
    return origins.getOrDefault(key, "unset");
  }

  /**
   * The options under a reserved namespace, keyed by what follows the prefix: {@code
   * namespace("probe.")} maps {@code probe.nodes=a.B#size} to {@code nodes -> a.B#size}; {@code
   * namespace("gpu")} gives {@code gpu} under the empty key and {@code gpu.interval} under {@code
   * interval}.
   */
  public Map<String, String> namespace(String prefix) {
    Map<String, String> found = new TreeMap<>();
    String dotted = prefix.endsWith(".") ? prefix : prefix + ".";
    for (Map.Entry<String, String> entry : values.entrySet()) {
      String key = entry.getKey();
      if (key.equals(prefix)) {
        found.put("", entry.getValue());
      } else if (key.startsWith(dotted)) {
        found.put(key.substring(dotted.length()), entry.getValue());
      }
    }
    return Collections.unmodifiableMap(found);
  }

  /** Where metrics.jsonl and traces.jsonl go. */
  public Path outputDir() {
    return Path.of(get(Option.OUTPUT_DIR));
  }

  /** Milliseconds between metrics lines. */
  public long metricsIntervalMillis() {
    return OptionKind.parseDurationMillis(get(Option.METRICS_INTERVAL));
  }

  /** Size in bytes past which metrics.jsonl is rotated; 0 for never. */
  public long metricsRotateBytes() {
    return OptionKind.parseSizeBytes(get(Option.METRICS_ROTATE_SIZE));
  }

  /** Rotated metrics files kept. */
  public int metricsRotateKeep() {
    return OptionKind.parseCount(get(Option.METRICS_ROTATE_KEEP));
  }

  /** Distinct tool names tracked before further names are counted under {@code _other}. */
  public int toolsMax() {
    return OptionKind.parseCount(get(Option.METRICS_TOOLS_MAX));
  }

  /** Where {@code /metrics} is served, or {@code null} when {@code metrics.http} is off. */
  public HostPort metricsHttp() {
    return OptionKind.parseAddress(get(Option.METRICS_HTTP));
  }

  /** The OTLP collector's base URL, or {@code null} when {@code otlp.endpoint} is off. */
  public java.net.URI otlpEndpoint() {
    return OptionKind.parseUrl(get(Option.OTLP_ENDPOINT));
  }

  /** The headers of every OTLP request, in the order given. */
  public Map<String, String> otlpHeaders() {
    return Collections.unmodifiableMap(OptionKind.parseHeaders(get(Option.OTLP_HEADERS)));
  }

  /** Time limit of one OTLP request, in milliseconds. */
  public long otlpTimeoutMillis() {
    return OptionKind.parseDurationMillis(get(Option.OTLP_TIMEOUT));
  }

  /** Milliseconds between OTLP metric exports. */
  public long otlpIntervalMillis() {
    return OptionKind.parseDurationMillis(get(Option.OTLP_INTERVAL));
  }

  /** Spans waiting to be sent at most. */
  public int otlpQueueSize() {
    return OptionKind.parseCount(get(Option.OTLP_QUEUE_SIZE));
  }

  /**
   * Whether anything is exported beyond the files ({@code metrics.http} or {@code otlp.endpoint}).
   */
  public boolean exports() {
    return metricsHttp() != null || otlpEndpoint() != null;
  }

  /** Whether each tool call is written to traces.jsonl. */
  public boolean trace() {
    return OptionKind.parseSwitch(get(Option.TRACE));
  }

  /** Capacity of the queue between tool threads and the trace writer. */
  public int traceQueueSize() {
    return OptionKind.parseCount(get(Option.TRACE_QUEUE_SIZE));
  }

  /** Size in bytes past which traces.jsonl is rotated; 0 for never. */
  public long traceRotateBytes() {
    return OptionKind.parseSizeBytes(get(Option.TRACE_ROTATE_SIZE));
  }

  /** Rotated trace files kept. */
  public int traceRotateKeep() {
    return OptionKind.parseCount(get(Option.TRACE_ROTATE_KEEP));
  }

  /** Whether each interval's latency histograms go to an HdrHistogram log. */
  public boolean hlog() {
    return OptionKind.parseSwitch(get(Option.HLOG));
  }

  /** The service name set by an option, or {@code null} when none was (then it is derived). */
  public String serviceName() {
    String name = get(Option.SERVICE_NAME);
    return name == null || name.isBlank() ? null : name.strip();
  }

  /** Bound on the length of a trace's {@code input_summary}; 0 for none. */
  public int summaryMaxChars() {
    return OptionKind.parseCount(get(Option.SUMMARY_MAX_CHARS));
  }

  /** The extra methods to time as tools. */
  public List<ToolPattern> toolPatterns() {
    String patterns = get(Option.TOOLS);
    return patterns.isBlank() ? List.of() : ToolPattern.parseAll(patterns);
  }

  /** Whether the given weave switch is on. */
  public boolean enabled(Option weaveSwitch) {
    return OptionKind.parseSwitch(get(weaveSwitch));
  }

  /** The name of the MCP tool the agent adds (used by the stats hook). */
  public String statsTool() {
    return get(Option.STATS_TOOL);
  }

  /** Whether diagnostics go to stderr. */
  public boolean debug() {
    return OptionKind.parseSwitch(get(Option.DEBUG));
  }

  /** Whether a wrong option stops the JVM's start. */
  public boolean strict() {
    return OptionKind.parseSwitch(get(Option.STRICT));
  }

  @Override
  public String toString() {
    return values.toString();
  }

  private void checkRanges(boolean strict) throws ConfigException {
    if (metricsIntervalMillis() < MIN_INTERVAL_MILLIS) {
      throw wrong(Option.METRICS_INTERVAL, "is shorter than the minimum of 100ms", strict);
    }
    if (traceQueueSize() < 1) {
      throw wrong(Option.TRACE_QUEUE_SIZE, "must be at least 1", strict);
    }
    if (otlpQueueSize() < 1) {
      throw wrong(Option.OTLP_QUEUE_SIZE, "must be at least 1", strict);
    }
    if (otlpIntervalMillis() < MIN_INTERVAL_MILLIS) {
      throw wrong(Option.OTLP_INTERVAL, "is shorter than the minimum of 100ms", strict);
    }
    if (toolsMax() < 1) {
      throw wrong(Option.METRICS_TOOLS_MAX, "must be at least 1", strict);
    }
    String serviceName = get(Option.SERVICE_NAME);
    if (serviceName != null && serviceName.strip().length() > MAX_SERVICE_NAME) {
      throw wrong(
          Option.SERVICE_NAME,
          "is longer than " + MAX_SERVICE_NAME + " characters (it is written on every line)",
          strict);
    }
    if (get(Option.STATS_TOOL).isBlank()) {
      throw wrong(Option.STATS_TOOL, "must not be empty", strict);
    }
  }

  private ConfigException wrong(Option option, String problem, boolean strict) {
    return new ConfigException(
        "option " + option.key() + "=" + get(option) + " (" + origin(option.key()) + ") " + problem,
        strict);
  }

  private static void check(String key, String value, String origin, boolean strict)
      throws ConfigException {
    if (Option.reserved(key)) {
      return;
    }
    Option option =
        Option.forKey(key)
            .orElseThrow(
                () ->
                    new ConfigException(
                        "unknown option '"
                            + key
                            + "' ("
                            + origin
                            + "); valid options: "
                            + Option.validKeys(),
                        strict));
    String problem = option.kind().check(value);
    if (problem != null) {
      throw new ConfigException(
          "option " + key + "=" + value + " (" + origin + ") " + problem, strict);
    }
  }

  private static String firstValue(List<Source> sources, String key) {
    for (Source source : sources) {
      String value = source.values.get(key);
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  private static Source readFile(String file, boolean strict) throws ConfigException {
    Source source = new Source("config file " + file);
    List<String> lines;
    try {
      lines = Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file " + file + " does not exist", strict);
    } catch (IOException | RuntimeException e) {
      throw new ConfigException("config file " + file + " cannot be read: " + e, strict);
    }
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith("!")) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException(
            "config file " + file + " line " + (i + 1) + " is not key=value: '" + line + "'",
            strict);
      }
      source.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip(), " line " + (i + 1));
    }
    return source;
  }

  /** The options one source sets, with where each came from. */
  private static final class Source {
    private final String name;
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, String> details = new LinkedHashMap<>();

    Source(String name) {
      this.name = name;
    }

    void put(String key, String value, String detail) {
      values.put(key, value);
      details.put(key, detail);
    }

    String describe(String key) {
      return name + details.getOrDefault(key, "");
    }
  }
}
