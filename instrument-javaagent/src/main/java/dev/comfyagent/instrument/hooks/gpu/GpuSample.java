package dev.comfyagent.instrument.hooks.gpu;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of one read of the GPU source: the figures of every GPU it reported, and the faults
 * met on the way (a sample can hold both, e.g. one GPU whose utilisation reads {@code [N/A]}).
 *
 * <p>Immutable and thread safe.
 *
 * @param takenAt when the read finished
 * @param source {@code nvidia-smi} or {@code comfyui}
 * @param devices the GPUs reported, in the source's order; empty when the read failed
 * @param faults the problems met; empty for a clean read
 */
public record GpuSample(
    Instant takenAt, String source, List<GpuDeviceReading> devices, List<GpuFault> faults) {

  /** Copies the lists. */
  public GpuSample {
    Objects.requireNonNull(takenAt, "takenAt");
    Objects.requireNonNull(source, "source");
    devices = List.copyOf(devices);
    faults = List.copyOf(faults);
  }

  /** Whether the read gave at least one GPU. */
  public boolean hasDevices() {
    return !devices.isEmpty();
  }

  /**
   * The GPU to report: the one with the given index, else (index {@code null}) the busiest —
   * highest utilisation, then most VRAM in use.
   */
  public Optional<GpuDeviceReading> select(Integer gpuIndex) {
    if (gpuIndex != null) {
      return devices.stream().filter(device -> device.index() == gpuIndex).findFirst();
    }
    return devices.stream().max(BUSIEST);
  }

  /** Orders GPUs by how busy they are: utilisation, then VRAM in use; unknown counts as least. */
  static final Comparator<GpuDeviceReading> BUSIEST =
      Comparator.comparingInt(GpuDeviceReading::utilizationPercent)
          .thenComparingLong(GpuDeviceReading::memoryUsedBytes);
}
