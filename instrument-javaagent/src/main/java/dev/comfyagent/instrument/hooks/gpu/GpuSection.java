package dev.comfyagent.instrument.hooks.gpu;

import dev.comfyagent.instrument.emit.MetricsSection;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code gpu} section of every metrics line (and of {@code get_agent_stats}): the mode and the
 * source in use, the last read and what it gave for the reported GPU, and the sampler's counters.
 *
 * <pre>{@code
 * "gpu":{"mode":"auto","source":"nvidia-smi","last":{"at":"2026-11-25T10:15:30.120Z","gpu":0,
 *   "name":"NVIDIA GeForce RTX 4090","utilization_pct":98,"vram_used_bytes":13313769472,
 *   "vram_total_bytes":25757220864,"text":"(GPU: 98%, VRAM: 12.4/24GB)"},"reads":61,"samples":61,
 *   "errors":{},"last_error":null,"last_error_at":null,"windows_open":0}
 * }</pre>
 *
 * <p>With {@code gpu=off} the section is {@code {"mode":"off"}}; with {@code gpu=auto} on a host
 * that is not agent-runtime, {@code {"mode":"auto","source":"off"}}. Thread-safe.
 */
final class GpuSection implements MetricsSection {

  /** The key of this section in a metrics line. */
  static final String SECTION = "gpu";

  private final GpuMode mode;
  private volatile GpuSampler sampler;

  GpuSection(GpuSampler sampler) {
    this(sampler.settings().mode());
    this.sampler = sampler;
  }

  /** A section for {@code mode} whose sampler starts later ({@link #use}), or never. */
  GpuSection(GpuMode mode) {
    this.mode = mode;
  }

  /** Reports {@code started} from now on. */
  void use(GpuSampler started) {
    this.sampler = started;
  }

  @Override
  public String name() {
    return SECTION;
  }

  @Override
  public Map<String, ?> figures(boolean lineEnds) {
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("mode", mode.optionValue());
    GpuSampler sampler = this.sampler;
    if (sampler == null || !sampler.isEnabled()) {
      if (mode != GpuMode.OFF) {
        // gpu=auto on a host that is not agent-runtime: nothing samples
        figures.put("source", GpuReading.OFF);
      }
      return figures;
    }
    GpuSamplerStats stats = sampler.stats();
    figures.put("source", stats.source());
    Optional<GpuSample> sample = sampler.lastSample();
    if (sample.isPresent()) {
      GpuReading reading = sampler.lastReading();
      Map<String, Object> last = new LinkedHashMap<>();
      last.put("at", sample.get().takenAt().truncatedTo(ChronoUnit.MILLIS).toString());
      last.put("source", sample.get().source());
      last.put("gpu", reading.isSampled() ? reading.deviceIndex() : null);
      last.put("name", reading.isSampled() ? reading.deviceName() : null);
      last.put(
          "utilization_pct", reading.hasUtilization() ? reading.peakUtilizationPercent() : null);
      last.put("vram_used_bytes", reading.hasMemoryUsed() ? reading.peakMemoryUsedBytes() : null);
      last.put("vram_total_bytes", reading.hasMemoryTotal() ? reading.memoryTotalBytes() : null);
      last.put("text", RenderTimeSuffix.describe(reading));
      figures.put("last", last);
    } else {
      figures.put("last", null);
    }
    figures.put("reads", stats.attempts());
    figures.put("samples", stats.samples());
    Map<String, Object> errors = new LinkedHashMap<>();
    stats.errors().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> errors.put(e.getKey().label(), e.getValue()));
    figures.put("errors", errors);
    figures.put("last_error", stats.lastError());
    figures.put(
        "last_error_at",
        stats.lastErrorAt() == null
            ? null
            : stats.lastErrorAt().truncatedTo(ChronoUnit.MILLIS).toString());
    figures.put("windows_open", stats.openWindows());
    return figures;
  }
}
