package dev.comfyagent.instrument.hooks.gpu;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The span of one GPU-bound tool call, from {@link GpuSampler#open()} to {@link #close()}: while
 * any window is open the sampler samples at the busy interval, and every sample taken in the span
 * is folded into this window's per-GPU peaks.
 *
 * <p>Usage, around the tool call:
 *
 * <pre>{@code
 * GpuWindow window = sampler.open();
 * ToolResult result = tool.call(arguments, context);   // the render
 * GpuReading gpu = window.close();
 * String text = RenderTimeSuffix.insertAfterRenderTime(resultText, gpu);
 * }</pre>
 *
 * <p>Several GPUs: the reading is for the GPU named by {@code gpu.index}, else for the busiest over
 * the whole window (highest peak utilisation, then most peak VRAM), so that utilisation and VRAM
 * always describe the same GPU.
 *
 * <p>Thread safe: samples arrive on the sampler thread, {@link #close()} runs on the tool's thread;
 * closing twice returns the first result.
 */
public final class GpuWindow {

  private static final Comparator<Peak> BUSIEST =
      Comparator.comparingInt((Peak peak) -> peak.utilization)
          .thenComparingLong(peak -> peak.memoryUsed);

  private final GpuSampler sampler;
  private final long firstAttempt;
  private final Map<Integer, Peak> peaks = new LinkedHashMap<>();
  private String source;
  private GpuReading result;

  GpuWindow(GpuSampler sampler, long firstAttempt) {
    this.sampler = sampler;
    this.firstAttempt = firstAttempt;
  }

  /**
   * Ends the window and returns what it saw. Waits for one last sample (at most about twice {@code
   * gpu.timeout}) so that a call shorter than the busy interval still gets a reading; after a
   * failed read it only waits for the window's opening sample, if still running, so that a broken
   * source slows a call by one timeout at most. Never throws.
   */
  public GpuReading close() {
    synchronized (this) {
      if (result != null) {
        return result;
      }
    }
    if (sampler == null) {
      return finish(GpuReading.disabled());
    }
    sampler.closeWindow(this);
    return finish(reading(sampler.settings().gpuIndex(), sampler.activeSource()));
  }

  private synchronized GpuReading finish(GpuReading reading) {
    if (result == null) {
      result = reading;
    }
    return result;
  }

  /** The number of the first read this window takes figures from: the one asked for at open. */
  long firstAttempt() {
    return firstAttempt;
  }

  /** Folds one sample in, if it was started after this window opened and it is still open. */
  synchronized void offer(long attempt, GpuSample sample) {
    if (result != null || attempt < firstAttempt) {
      return;
    }
    source = sample.source();
    for (GpuDeviceReading device : sample.devices()) {
      peaks.computeIfAbsent(device.index(), index -> new Peak(index, device.name())).add(device);
    }
  }

  private synchronized GpuReading reading(Integer gpuIndex, String activeSource) {
    String from = source != null ? source : activeSource;
    Peak chosen =
        gpuIndex != null ? peaks.get(gpuIndex) : peaks.values().stream().max(BUSIEST).orElse(null);
    if (chosen == null) {
      return GpuReading.none(from);
    }
    return new GpuReading(
        from,
        chosen.index,
        chosen.name,
        chosen.utilization,
        chosen.memoryUsed,
        chosen.memoryTotal,
        chosen.samples);
  }

  /** Peaks of one GPU; guarded by the window's lock. */
  private static final class Peak {
    private final int index;
    private final String name;
    private int utilization = GpuDeviceReading.UNKNOWN;
    private long memoryUsed = GpuDeviceReading.UNKNOWN;
    private long memoryTotal = GpuDeviceReading.UNKNOWN;
    private int samples;

    Peak(int index, String name) {
      this.index = index;
      this.name = name;
    }

    void add(GpuDeviceReading device) {
      utilization = Math.max(utilization, device.utilizationPercent());
      memoryUsed = Math.max(memoryUsed, device.memoryUsedBytes());
      if (device.hasMemoryTotal()) {
        memoryTotal = device.memoryTotalBytes();
      }
      samples++;
    }
  }
}
