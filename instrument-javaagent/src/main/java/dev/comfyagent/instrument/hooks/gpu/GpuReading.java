package dev.comfyagent.instrument.hooks.gpu;

import java.util.Objects;

/**
 * What one GPU window saw of one GPU: peak utilisation and peak VRAM in use over the samples taken
 * while the window was open, or nothing when no sample succeeded.
 *
 * <p>Also used for the single latest sample ({@link GpuSampler#lastReading()}), where peak means
 * that sample's value. Render it with {@link RenderTimeSuffix}.
 *
 * <p>Immutable and thread safe.
 *
 * @param source {@code nvidia-smi}, {@code comfyui}, {@code off} (sampling disabled) or {@code
 *     none} (no source chosen yet)
 * @param deviceIndex the GPU's index, or -1 without samples
 * @param deviceName the GPU's name, or "" without samples
 * @param peakUtilizationPercent highest utilisation seen, or {@link GpuDeviceReading#UNKNOWN}
 * @param peakMemoryUsedBytes most VRAM in use seen, or {@link GpuDeviceReading#UNKNOWN}
 * @param memoryTotalBytes the GPU's VRAM in all, or {@link GpuDeviceReading#UNKNOWN}
 * @param samples how many samples of this GPU went into the figures
 */
public record GpuReading(
    String source,
    int deviceIndex,
    String deviceName,
    int peakUtilizationPercent,
    long peakMemoryUsedBytes,
    long memoryTotalBytes,
    int samples) {

  /** The source name of a reading from a disabled sampler ({@code gpu=off}). */
  public static final String OFF = "off";

  /** Checks the strings are present. */
  public GpuReading {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(deviceName, "deviceName");
  }

  /** The reading of a window no sample reached: rendered as {@code (GPU: n/a)}. */
  public static GpuReading none(String source) {
    return new GpuReading(
        source,
        -1,
        "",
        GpuDeviceReading.UNKNOWN,
        GpuDeviceReading.UNKNOWN,
        GpuDeviceReading.UNKNOWN,
        0);
  }

  /** The reading of a disabled sampler: no suffix is added for it. */
  public static GpuReading disabled() {
    return none(OFF);
  }

  /** A reading of one sampled GPU. */
  static GpuReading of(String source, GpuDeviceReading device) {
    return new GpuReading(
        source,
        device.index(),
        device.name(),
        device.utilizationPercent(),
        device.memoryUsedBytes(),
        device.memoryTotalBytes(),
        1);
  }

  /** Whether sampling is off, so that results must stay exactly as the tool returned them. */
  public boolean isDisabled() {
    return OFF.equals(source);
  }

  /** Whether at least one sample gave figures for a GPU. */
  public boolean isSampled() {
    return samples > 0;
  }

  /** Whether the peak utilisation is known. */
  public boolean hasUtilization() {
    return peakUtilizationPercent != GpuDeviceReading.UNKNOWN;
  }

  /** Whether the peak VRAM in use is known. */
  public boolean hasMemoryUsed() {
    return peakMemoryUsedBytes != GpuDeviceReading.UNKNOWN;
  }

  /** Whether the VRAM in all is known. */
  public boolean hasMemoryTotal() {
    return memoryTotalBytes != GpuDeviceReading.UNKNOWN;
  }
}
