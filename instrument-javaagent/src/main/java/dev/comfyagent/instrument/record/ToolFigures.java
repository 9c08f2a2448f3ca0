package dev.comfyagent.instrument.record;

import org.HdrHistogram.Histogram;

/**
 * One tool's figures over a span of time (an interval or since start): call counts and latency in
 * milliseconds with microsecond resolution.
 *
 * <p>Latencies come from an HdrHistogram with two significant digits: each percentile and the
 * maximum are within 1% of the true value. They are {@link Double#NaN} when no call was timed.
 *
 * @param tool the tool's name
 * @param calls calls finished, {@code ok + err}
 * @param ok calls that returned normally and without {@code isError}
 * @param err calls that threw or returned {@code isError}
 * @param p50Ms median latency
 * @param p95Ms 95th percentile
 * @param p99Ms 99th percentile
 * @param maxMs highest latency
 * @param meanMs mean latency
 */
public record ToolFigures(
    String tool,
    long calls,
    long ok,
    long err,
    double p50Ms,
    double p95Ms,
    double p99Ms,
    double maxMs,
    double meanMs) {

  /** Whether any latency was recorded (the percentiles are numbers). */
  public boolean timed() {
    return !Double.isNaN(p50Ms);
  }

  static ToolFigures of(String tool, long ok, long err, Histogram micros) {
    if (micros.getTotalCount() == 0) {
      return new ToolFigures(
          tool, ok + err, ok, err, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    return new ToolFigures(
        tool,
        ok + err,
        ok,
        err,
        millis(micros.getValueAtPercentile(50)),
        millis(micros.getValueAtPercentile(95)),
        millis(micros.getValueAtPercentile(99)),
        millis(micros.getMaxValue()),
        Math.round(micros.getMean()) / 1000.0);
  }

  private static double millis(long micros) {
    return micros / 1000.0;
  }
}
