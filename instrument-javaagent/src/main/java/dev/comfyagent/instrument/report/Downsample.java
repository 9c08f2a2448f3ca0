package dev.comfyagent.instrument.report;

import java.util.Arrays;

/**
 * Fewer points for a plot, never hiding a peak: a series is cut into buckets of equal time and each
 * bucket keeps its highest value, at the time that value was seen. A spike of one sample stays on
 * the page at its full height however long the run; averaging, or keeping every nth point, would
 * flatten or drop it. Tables are never downsampled.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * Downsample.Points shown = Downsample.keepingMax(times, values, bins);
 * }</pre>
 */
final class Downsample {

  private Downsample() {}

  /**
   * Points of a series: times in epoch ms, ascending, and their values ({@code NaN}: no value).
   *
   * @param times the times
   * @param values the values, as many as times
   */
  record Points(long[] times, double[] values) {

    /** How many points. */
    int size() {
      return times.length;
    }

    /** The highest value, or {@code NaN} when none. */
    double max() {
      double max = Double.NaN;
      for (double v : values) {
        if (!Double.isNaN(v) && (Double.isNaN(max) || v > max)) {
          max = v;
        }
      }
      return max;
    }
  }

  /**
   * Per bin of {@code bins}, the highest of the values whose time falls in it, at its own time;
   * bins without a value are left out. A series that already has at most one point per bin comes
   * back with the same points.
   *
   * @param times ascending or not, epoch ms
   * @param values as many as {@code times}; {@code NaN} values are ignored
   */
  static Points keepingMax(long[] times, double[] values, TimeBins bins) {
    if (times.length != values.length) {
      throw new IllegalArgumentException(times.length + " times but " + values.length + " values");
    }
    double[] max = new double[bins.count()];
    long[] at = new long[bins.count()];
    Arrays.fill(max, Double.NaN);
    for (int i = 0; i < times.length; i++) {
      double v = values[i];
      if (Double.isNaN(v)) {
        continue;
      }
      int bin = bins.indexOf(times[i]);
      if (Double.isNaN(max[bin]) || v > max[bin]) {
        max[bin] = v;
        at[bin] = times[i];
      }
    }
    int kept = 0;
    for (double v : max) {
      if (!Double.isNaN(v)) {
        kept++;
      }
    }
    long[] keptTimes = new long[kept];
    double[] keptValues = new double[kept];
    int k = 0;
    for (int bin = 0; bin < max.length; bin++) {
      if (!Double.isNaN(max[bin])) {
        keptTimes[k] = at[bin];
        keptValues[k] = max[bin];
        k++;
      }
    }
    return new Points(keptTimes, keptValues);
  }
}
