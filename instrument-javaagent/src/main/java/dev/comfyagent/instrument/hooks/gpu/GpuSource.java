package dev.comfyagent.instrument.hooks.gpu;

/**
 * Somewhere GPU figures can be read from: nvidia-smi, ComfyUI's {@code /system_stats}, or the
 * automatic choice between them.
 *
 * <p>Implementations are called from the sampler's one thread only and report every problem as a
 * {@link GpuFault} in the returned sample rather than by throwing.
 */
interface GpuSource {

  /** Source name of nvidia-smi figures. */
  String NVIDIA_SMI = "nvidia-smi";

  /** Source name of ComfyUI {@code /system_stats} figures. */
  String COMFYUI = "comfyui";

  /** The name reported with figures: {@link #NVIDIA_SMI} or {@link #COMFYUI}. */
  String name();

  /**
   * Reads the figures once, within the configured timeout.
   *
   * @throws InterruptedException when the sampler is stopping
   */
  GpuSample read() throws InterruptedException;

  /**
   * Ends a {@link #read} in progress from another thread, when the sampler stops: a read that waits
   * on something outside the JVM (a hanging process or server) must not hold up the JVM's exit.
   * Afterwards reads may fail at once. Default: nothing to do, the read ends on interrupt.
   */
  default void abort() {}
}
