package dev.comfyagent.instrument.hooks.gpu;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Where GPU figures come from, as chosen by the {@code gpu} option.
 *
 * <p>Immutable and thread safe.
 */
public enum GpuMode {
  /**
   * Where the host is agent-runtime (its classes load), as {@link #ON}; on any other JVM, off: no
   * thread, no network, no change to any result.
   */
  AUTO("auto"),
  /**
   * On any JVM: nvidia-smi when it is found and answers, otherwise ComfyUI's {@code /system_stats}.
   */
  ON("on"),
  /** Only nvidia-smi; its absence is a counted error. */
  NVIDIA_SMI("nvidia-smi"),
  /** Only ComfyUI's {@code /system_stats} (VRAM figures, no utilisation). */
  COMFYUI("comfyui"),
  /** No sampling at all: no thread, no process, no suffix. */
  OFF("off");

  private final String optionValue;

  GpuMode(String optionValue) {
    this.optionValue = optionValue;
  }

  /** The value of the {@code gpu} option that selects this mode. */
  public String optionValue() {
    return optionValue;
  }

  /** The mode named by an option value (case-insensitive), if any. */
  public static Optional<GpuMode> fromOptionValue(String value) {
    String wanted = value.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(mode -> mode.optionValue.equals(wanted)).findFirst();
  }

  /** The valid option values, for error messages: {@code auto, on, nvidia-smi, comfyui, off}. */
  static String validValues() {
    return Arrays.stream(values()).map(GpuMode::optionValue).collect(Collectors.joining(", "));
  }
}
