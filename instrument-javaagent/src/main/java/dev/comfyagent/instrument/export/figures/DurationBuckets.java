package dev.comfyagent.instrument.export.figures;

/**
 * The fixed bucket bounds of the exported tool-call duration histogram, the same in every process
 * and every release, so that buckets of any number of processes add up and {@code
 * histogram_quantile} over their sum is meaningful.
 *
 * <p>They are the OpenTelemetry MCP semantic conventions' advice for {@code
 * mcp.server.operation.duration} (0.01 s to 300 s), with four finer bounds below 10 ms (the
 * runtime's own tools answer in under a millisecond) and two above 300 s (renders): 0.0005, 0.001,
 * 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600 and 1800
 * seconds, then {@code +Inf}. The counts are read from each tool's HdrHistogram ({@link
 * dev.comfyagent.instrument.record.ToolStats#cumulative}), so a call within 1% of a bound may be
 * counted on either side of it.
 *
 * <p>Immutable.
 */
public final class DurationBuckets {

  private static final long[] UPPER_BOUNDS_MICROS = {
    500,
    1_000,
    2_500,
    5_000,
    10_000,
    20_000,
    50_000,
    100_000,
    200_000,
    500_000,
    1_000_000,
    2_000_000,
    5_000_000,
    10_000_000,
    30_000_000,
    60_000_000,
    120_000_000,
    300_000_000,
    600_000_000,
    1_800_000_000
  };

  private DurationBuckets() {}

  /** The number of finite bounds (the buckets are one more, with {@code +Inf}). */
  public static int count() {
    return UPPER_BOUNDS_MICROS.length;
  }

  /** The {@code i}th finite upper bound in microseconds. */
  public static long boundMicros(int i) {
    return UPPER_BOUNDS_MICROS[i];
  }

  /** The {@code i}th finite upper bound in seconds. */
  public static double boundSeconds(int i) {
    return UPPER_BOUNDS_MICROS[i] / 1e6;
  }

  /** A copy of the finite bounds in microseconds, ascending. */
  public static long[] boundsMicros() {
    return UPPER_BOUNDS_MICROS.clone();
  }
}
