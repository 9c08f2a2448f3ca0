package dev.comfyagent.instrument.hooks.gpu;

import java.util.Locale;

/**
 * What went wrong while reading GPU figures; each kind is counted separately in {@link
 * GpuSamplerStats#errors()}.
 */
public enum GpuFaultKind {
  /** nvidia-smi is not on PATH (nor in the Windows install folders) or the given path is wrong. */
  NOT_FOUND,
  /** nvidia-smi exists but could not be started (permissions, not an executable). */
  START_FAILED,
  /** nvidia-smi or ComfyUI did not answer within {@code gpu.timeout}; the process was killed. */
  TIMEOUT,
  /** nvidia-smi exited with a status other than 0 (no driver, GPU lost, ...). */
  EXIT_STATUS,
  /** Output that is not what nvidia-smi or ComfyUI print: garbage, a partial line, bad JSON. */
  MALFORMED_OUTPUT,
  /** A field reads {@code [N/A]}, {@code [Not Supported]} or is missing; that value is n/a. */
  VALUE_UNAVAILABLE,
  /** The GPU named by {@code gpu.index} is not in the output, or ComfyUI reports only a CPU. */
  NO_DEVICE,
  /** ComfyUI answered {@code /system_stats} with an HTTP error status. */
  HTTP_STATUS,
  /** ComfyUI could not be reached (connection refused, unknown host, network error). */
  UNREACHABLE,
  /** A defect in the sampler itself; caught so that the sampler thread lives on. */
  INTERNAL;

  /** The kind as it appears in stats and metrics: lower case with dashes, e.g. {@code timeout}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
