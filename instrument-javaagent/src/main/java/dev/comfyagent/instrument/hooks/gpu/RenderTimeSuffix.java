package dev.comfyagent.instrument.hooks.gpu;

import dev.comfyagent.instrument.host.RuntimeContract;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a GPU window's reading after the render time in execute_workflow's status text: {@code
 * Rendered in 4.2s} becomes {@code Rendered in 4.2s (GPU: 98%, VRAM: 12.4/24GB)}.
 *
 * <p>The forms:
 *
 * <ul>
 *   <li>{@code (GPU: 98%, VRAM: 12.4/24GB)} — peak utilisation and peak VRAM in use / VRAM in all;
 *   <li>{@code (VRAM: 12.4/24GB)} — the source has no utilisation (ComfyUI's {@code /system_stats}
 *       fallback, or nvidia-smi reading {@code [N/A]} for it);
 *   <li>{@code (GPU: 98%, VRAM: n/a)} — utilisation without memory figures;
 *   <li>{@code (GPU: n/a)} — no sample reached the window;
 *   <li>nothing at all when sampling is off ({@code gpu=off}): the text stays exactly as it was.
 * </ul>
 *
 * <p>Units: sizes are binary gigabytes (GiB, 2<sup>30</sup> bytes — nvidia-smi's MiB divided by
 * 1024) written "GB" as ComfyUI users read them. VRAM in use has one decimal ({@code 12.4}); the
 * total has one decimal with a trailing {@code .0} dropped, so a 24 GB card (24564 MiB) reads
 * {@code 24GB} and an 80 GB H100 (81559 MiB) reads {@code 79.6GB}. Numbers are formatted the same
 * in every locale.
 *
 * <p>Stateless and thread safe.
 */
public final class RenderTimeSuffix {

  /** {@code Rendered in <seconds>s} at the very start of the text, as the runtime writes it. */
  private static final Pattern RENDER_TIME =
      Pattern.compile("^" + Pattern.quote(RuntimeContract.RENDERED_IN) + "\\d+(?:\\.\\d+)?s");

  private static final BigDecimal BYTES_PER_GIB = BigDecimal.valueOf(1L << 30);

  private RenderTimeSuffix() {}

  /** The parenthesised GPU figures for a reading; empty for a disabled sampler. */
  public static String describe(GpuReading reading) {
    if (reading.isDisabled()) {
      return "";
    }
    if (!reading.isSampled() || (!reading.hasUtilization() && !reading.hasMemoryUsed())) {
      return "(GPU: n/a)";
    }
    String vram = vram(reading);
    if (!reading.hasUtilization()) {
      return "(VRAM: " + vram + ")";
    }
    return "(GPU: " + reading.peakUtilizationPercent() + "%, VRAM: " + vram + ")";
  }

  /**
   * The text with the reading inserted right after its leading {@code Rendered in <n>s}; the text
   * unchanged when it does not start so, when sampling is off, or when figures follow already.
   */
  public static String insertAfterRenderTime(String text, GpuReading reading) {
    if (text == null || reading.isDisabled()) {
      return text;
    }
    Matcher matcher = RENDER_TIME.matcher(text);
    if (!matcher.lookingAt()) {
      return text;
    }
    int end = matcher.end();
    String rest = text.substring(end);
    if (rest.startsWith(" (GPU:") || rest.startsWith(" (VRAM:")) {
      return text;
    }
    return text.substring(0, end) + " " + describe(reading) + rest;
  }

  private static String vram(GpuReading reading) {
    if (!reading.hasMemoryUsed()) {
      return "n/a";
    }
    String used = gib(reading.peakMemoryUsedBytes()).toPlainString();
    if (!reading.hasMemoryTotal()) {
      return used + "GB";
    }
    BigDecimal total = gib(reading.memoryTotalBytes());
    String totalText =
        total.signum() == 0 || total.stripTrailingZeros().scale() <= 0
            ? total.setScale(0, RoundingMode.HALF_UP).toPlainString()
            : total.toPlainString();
    return used + "/" + totalText + "GB";
  }

  /** Bytes as GiB with one decimal, rounded half up. */
  static BigDecimal gib(long bytes) {
    return BigDecimal.valueOf(bytes).divide(BYTES_PER_GIB, 1, RoundingMode.HALF_UP);
  }
}
