package dev.comfyagent.instrument.hooks.gpu;

import dev.comfyagent.instrument.host.RuntimeContract;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The GPU sampling settings: where figures come from, how often they are read, and which tools are
 * GPU-bound.
 *
 * <p>Usage, from the agent's configuration:
 *
 * <pre>{@code
 * GpuSettings gpu = GpuSettings.fromOptions(Map.of("gpu", "auto", "gpu.interval", "500ms"));
 * GpuSampler sampler = GpuSampler.start(gpu, notice -> log.warn(notice));
 * if (gpu.isGpuBound(toolName)) { ... sampler.open() ... }
 * }</pre>
 *
 * <p>Option keys ({@link #OPTION_KEYS}); durations read {@code 500ms}, {@code 1s}, {@code 1.5s},
 * {@code 2m} or {@code 1h} (a bare number is seconds):
 *
 * <ul>
 *   <li>{@code gpu} — {@code auto} (default), {@code nvidia-smi}, {@code comfyui} or {@code off}
 *   <li>{@code gpu.interval} — sampling interval while a GPU-bound tool runs (default 1s)
 *   <li>{@code gpu.idle.interval} — sampling interval otherwise, for metrics (default 60s)
 *   <li>{@code gpu.timeout} — how long one nvidia-smi run or HTTP request may take (default 2s)
 *   <li>{@code gpu.index} — the GPU to report (nvidia-smi index); default: the busiest
 *   <li>{@code gpu.nvidia-smi} — path of the nvidia-smi executable; default: looked up on PATH
 *   <li>{@code gpu.tools} — GPU-bound tool names separated by {@code ;} (or {@code |}, or commas
 *       where the option source allows them); default {@code execute_workflow}
 *   <li>{@code gpu.comfyui.host}, {@code gpu.comfyui.port} — ComfyUI for the fallback; default the
 *       runtime's {@code COMFYUI_HOST} / {@code COMFYUI_PORT} environment, else 127.0.0.1:8188
 * </ul>
 *
 * <p>Immutable and thread safe.
 *
 * @param mode where figures come from
 * @param busyInterval sampling interval while any window is open
 * @param idleInterval sampling interval while no window is open
 * @param commandTimeout limit for one nvidia-smi run or one HTTP request
 * @param gpuIndex the GPU to report, or {@code null} for the busiest
 * @param nvidiaSmiPath an explicit nvidia-smi executable, or {@code null} to look it up
 * @param comfyUiHost ComfyUI's host for the {@code /system_stats} fallback
 * @param comfyUiPort ComfyUI's port for the {@code /system_stats} fallback
 * @param gpuTools names of the tools whose calls are sampled as GPU windows
 */
public record GpuSettings(
    GpuMode mode,
    Duration busyInterval,
    Duration idleInterval,
    Duration commandTimeout,
    Integer gpuIndex,
    Path nvidiaSmiPath,
    String comfyUiHost,
    int comfyUiPort,
    Set<String> gpuTools) {

  /** Every option key this class reads; the agent's configuration treats them as known. */
  public static final List<String> OPTION_KEYS =
      List.of(
          "gpu",
          "gpu.interval",
          "gpu.idle.interval",
          "gpu.timeout",
          "gpu.index",
          "gpu.nvidia-smi",
          "gpu.tools",
          "gpu.comfyui.host",
          "gpu.comfyui.port");

  /** The tool sampled by default: the runtime's render call. */
  public static final String DEFAULT_GPU_TOOL = RuntimeContract.RENDER_TOOL;

  private static final Duration MIN_DURATION = Duration.ofMillis(100);
  private static final Duration MAX_INTERVAL = Duration.ofHours(24);
  private static final Duration MAX_TIMEOUT = Duration.ofMinutes(1);
  private static final Pattern DURATION =
      Pattern.compile("(\\d{1,9}(?:\\.\\d{1,9})?)\\s*(ms|s|m|h)?", Pattern.CASE_INSENSITIVE);
  private static final Pattern TOOL_SEPARATORS = Pattern.compile("[;|,\\s]+");
  private static final Pattern TOOL_NAME = Pattern.compile("[A-Za-z0-9_.\\-]+");

  /** Validates the components; durations must be positive, the port a TCP port. */
  public GpuSettings {
    Objects.requireNonNull(mode, "mode");
    requirePositive(busyInterval, "busyInterval");
    requirePositive(idleInterval, "idleInterval");
    requirePositive(commandTimeout, "commandTimeout");
    if (gpuIndex != null && gpuIndex < 0) {
      throw new IllegalArgumentException("gpuIndex must not be negative: " + gpuIndex);
    }
    Objects.requireNonNull(comfyUiHost, "comfyUiHost");
    if (comfyUiPort < 1 || comfyUiPort > 65535) {
      throw new IllegalArgumentException("comfyUiPort must be 1-65535: " + comfyUiPort);
    }
    gpuTools = Collections.unmodifiableSet(new LinkedHashSet<>(gpuTools));
  }

  /** The defaults: auto, 1 s busy, 60 s idle, 2 s timeout, busiest GPU, ComfyUI on 127.0.0.1. */
  public static GpuSettings defaults() {
    return fromOptions(Map.of(), Map.of());
  }

  /**
   * Settings from the agent's options, with ComfyUI's address defaulting to this process's {@code
   * COMFYUI_HOST} / {@code COMFYUI_PORT} environment variables (as the runtime reads them).
   *
   * @param options all agent options; keys outside {@code gpu} and {@code gpu.*} are ignored
   * @throws IllegalArgumentException naming the key, the value and what is valid, on the first
   *     invalid value or unknown {@code gpu.*} key
   */
  public static GpuSettings fromOptions(Map<String, String> options) {
    return fromOptions(options, System.getenv());
  }

  /**
   * Settings from the agent's options and the given environment variables.
   *
   * @see #fromOptions(Map)
   */
  public static GpuSettings fromOptions(Map<String, String> options, Map<String, String> env) {
    for (String key : options.keySet()) {
      if (key.startsWith("gpu.") && !OPTION_KEYS.contains(key)) {
        throw new IllegalArgumentException(
            "unknown option " + key + "; GPU options are " + String.join(", ", OPTION_KEYS));
      }
    }
    GpuMode mode = GpuMode.AUTO;
    String modeValue = options.get("gpu");
    if (modeValue != null) {
      mode =
          GpuMode.fromOptionValue(modeValue)
              .orElseThrow(
                  () -> invalid("gpu", modeValue, "expected one of " + GpuMode.validValues()));
    }
    Duration busy = duration(options, "gpu.interval", Duration.ofSeconds(1), MAX_INTERVAL);
    Duration idle = duration(options, "gpu.idle.interval", Duration.ofSeconds(60), MAX_INTERVAL);
    Duration timeout = duration(options, "gpu.timeout", Duration.ofSeconds(2), MAX_TIMEOUT);
    Integer index = null;
    String indexValue = options.get("gpu.index");
    if (indexValue != null) {
      index = (int) integer("gpu.index", indexValue, 0, 1023, "a GPU index such as 0");
    }
    Path nvidiaSmi = nvidiaSmiPath(options.get("gpu.nvidia-smi"));
    String host = options.get("gpu.comfyui.host");
    if (host == null) {
      host =
          nonBlank(env.get(RuntimeContract.COMFYUI_HOST_ENV), RuntimeContract.COMFYUI_HOST_DEFAULT);
    } else if (host.isBlank()) {
      throw invalid("gpu.comfyui.host", host, "expected a host name or address");
    }
    int port;
    String portValue = options.get("gpu.comfyui.port");
    if (portValue != null) {
      port = (int) integer("gpu.comfyui.port", portValue, 1, 65535, "a TCP port (1-65535)");
    } else {
      String envPort = env.get(RuntimeContract.COMFYUI_PORT_ENV);
      port =
          envPort == null || envPort.isBlank()
              ? RuntimeContract.COMFYUI_PORT_DEFAULT
              : (int)
                  integer(
                      RuntimeContract.COMFYUI_PORT_ENV, envPort, 1, 65535, "a TCP port (1-65535)");
    }
    Set<String> tools = tools(options.get("gpu.tools"));
    return new GpuSettings(mode, busy, idle, timeout, index, nvidiaSmi, host.trim(), port, tools);
  }

  /** Whether calls of this tool are sampled as GPU windows. */
  public boolean isGpuBound(String toolName) {
    return gpuTools.contains(toolName);
  }

  /** The same settings with another mode (tests and the attach command use it). */
  public GpuSettings withMode(GpuMode newMode) {
    return new GpuSettings(
        newMode,
        busyInterval,
        idleInterval,
        commandTimeout,
        gpuIndex,
        nvidiaSmiPath,
        comfyUiHost,
        comfyUiPort,
        gpuTools);
  }

  /** The same settings with other sampling intervals and command timeout. */
  public GpuSettings withTiming(Duration busy, Duration idle, Duration timeout) {
    return new GpuSettings(
        mode, busy, idle, timeout, gpuIndex, nvidiaSmiPath, comfyUiHost, comfyUiPort, gpuTools);
  }

  /** The same settings reporting another GPU ({@code null}: the busiest). */
  public GpuSettings withGpuIndex(Integer index) {
    return new GpuSettings(
        mode,
        busyInterval,
        idleInterval,
        commandTimeout,
        index,
        nvidiaSmiPath,
        comfyUiHost,
        comfyUiPort,
        gpuTools);
  }

  /** The same settings with an explicit nvidia-smi executable ({@code null}: look it up). */
  public GpuSettings withNvidiaSmiPath(Path path) {
    return new GpuSettings(
        mode,
        busyInterval,
        idleInterval,
        commandTimeout,
        gpuIndex,
        path,
        comfyUiHost,
        comfyUiPort,
        gpuTools);
  }

  /** The same settings with another ComfyUI address for the fallback. */
  public GpuSettings withComfyUi(String host, int port) {
    return new GpuSettings(
        mode,
        busyInterval,
        idleInterval,
        commandTimeout,
        gpuIndex,
        nvidiaSmiPath,
        host,
        port,
        gpuTools);
  }

  private static Duration duration(
      Map<String, String> options, String key, Duration fallback, Duration max) {
    String value = options.get(key);
    if (value == null) {
      return fallback;
    }
    Matcher matcher = DURATION.matcher(value.trim());
    if (!matcher.matches()) {
      throw invalid(key, value, "expected a duration such as 500ms, 1s, 1.5s or 2m");
    }
    BigDecimal amount = new BigDecimal(matcher.group(1));
    String unit = matcher.group(2) == null ? "s" : matcher.group(2).toLowerCase(Locale.ROOT);
    BigDecimal millisPerUnit =
        switch (unit) {
          case "ms" -> BigDecimal.ONE;
          case "s" -> BigDecimal.valueOf(1_000);
          case "m" -> BigDecimal.valueOf(60_000);
          default -> BigDecimal.valueOf(3_600_000);
        };
    BigDecimal millis = amount.multiply(millisPerUnit);
    if (millis.compareTo(BigDecimal.valueOf(MIN_DURATION.toMillis())) < 0
        || millis.compareTo(BigDecimal.valueOf(max.toMillis())) > 0) {
      throw invalid(key, value, "expected between 100ms and " + describe(max));
    }
    return Duration.ofNanos(millis.movePointRight(6).longValue());
  }

  private static long integer(String key, String value, long min, long max, String expected) {
    try {
      long parsed = Long.parseLong(value.trim());
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below with the expected form
    }
    throw invalid(key, value, "expected " + expected);
  }

  private static Path nvidiaSmiPath(String value) {
    if (value == null) {
      return null;
    }
    if (value.isBlank()) {
      throw invalid("gpu.nvidia-smi", value, "expected the path of the nvidia-smi executable");
    }
    Path path;
    try {
      path = Path.of(value.trim());
    } catch (InvalidPathException e) {
      throw invalid("gpu.nvidia-smi", value, "not a valid path (" + e.getReason() + ")");
    }
    if (!Files.isRegularFile(path)) {
      throw invalid("gpu.nvidia-smi", value, "no such file");
    }
    return path;
  }

  private static Set<String> tools(String value) {
    if (value == null) {
      return Set.of(DEFAULT_GPU_TOOL);
    }
    Set<String> tools = new LinkedHashSet<>();
    for (String name : TOOL_SEPARATORS.split(value.trim())) {
      if (name.isEmpty()) {
        continue;
      }
      if (!TOOL_NAME.matcher(name).matches()) {
        throw invalid(
            "gpu.tools", value, "tool name '" + name + "' has characters tool names never use");
      }
      tools.add(name);
    }
    if (tools.isEmpty()) {
      throw invalid(
          "gpu.tools", value, "expected tool names separated by ';', e.g. execute_workflow");
    }
    return tools;
  }

  private static String nonBlank(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value;
  }

  private static void requirePositive(Duration duration, String name) {
    Objects.requireNonNull(duration, name);
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + duration);
    }
  }

  private static String describe(Duration duration) {
    if (duration.toHours() > 0 && duration.toMinutesPart() == 0) {
      return duration.toHours() + "h";
    }
    return duration.toMinutes() + "m";
  }

  private static IllegalArgumentException invalid(String key, String value, String expected) {
    return new IllegalArgumentException(key + "=" + value + ": " + expected);
  }
}
