package dev.comfyagent.instrument.hooks.gpu;

import java.time.Instant;
import java.util.Map;

/**
 * The sampler's own health at one moment, for get_agent_stats and metrics.jsonl.
 *
 * <p>Immutable and thread safe.
 *
 * @param mode the configured {@code gpu} option value
 * @param source the source in use: {@code nvidia-smi}, {@code comfyui}, {@code auto} before the
 *     first sample decided, or {@code off}
 * @param attempts reads attempted since start
 * @param samples reads that gave figures for at least one GPU
 * @param errors faults counted per kind since start; kinds never met are absent
 * @param lastError the last fault's kind and message, or {@code null} when there was none
 * @param lastErrorAt when the last fault happened, or {@code null}
 * @param openWindows GPU windows open now (GPU-bound calls in flight)
 */
public record GpuSamplerStats(
    String mode,
    String source,
    long attempts,
    long samples,
    Map<GpuFaultKind, Long> errors,
    String lastError,
    Instant lastErrorAt,
    int openWindows) {

  /** Copies the error counts. */
  public GpuSamplerStats {
    errors = Map.copyOf(errors);
  }

  /** Faults of one kind counted since start. */
  public long errorCount(GpuFaultKind kind) {
    return errors.getOrDefault(kind, 0L);
  }

  /** Faults of every kind counted since start. */
  public long totalErrors() {
    return errors.values().stream().mapToLong(Long::longValue).sum();
  }
}
