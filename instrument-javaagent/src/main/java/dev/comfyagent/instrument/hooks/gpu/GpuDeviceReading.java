package dev.comfyagent.instrument.hooks.gpu;

import java.util.Objects;

/**
 * One GPU's figures in one sample. A value that the source could not give is {@link #UNKNOWN}.
 *
 * @param index the GPU's index as nvidia-smi or ComfyUI numbers it
 * @param name the GPU's name as the source reports it
 * @param utilizationPercent GPU utilisation 0–100, or {@link #UNKNOWN}
 * @param memoryUsedBytes VRAM in use, or {@link #UNKNOWN}
 * @param memoryTotalBytes VRAM in all, or {@link #UNKNOWN}
 */
public record GpuDeviceReading(
    int index, String name, int utilizationPercent, long memoryUsedBytes, long memoryTotalBytes) {

  /** The value of a figure the source did not give. */
  public static final int UNKNOWN = -1;

  /** Bytes in one MiB, the unit nvidia-smi reports memory in with {@code nounits}. */
  static final long MIB = 1024L * 1024L;

  /** Checks the name is present. */
  public GpuDeviceReading {
    Objects.requireNonNull(name, "name");
  }

  /** Whether the utilisation is known. */
  public boolean hasUtilization() {
    return utilizationPercent != UNKNOWN;
  }

  /** Whether the VRAM in use is known. */
  public boolean hasMemoryUsed() {
    return memoryUsedBytes != UNKNOWN;
  }

  /** Whether the VRAM in all is known. */
  public boolean hasMemoryTotal() {
    return memoryTotalBytes != UNKNOWN;
  }
}
