package dev.comfyagent.instrument.report;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The latency-by-percentile curve of one histogram, as HdrHistogram's own plotter draws it: the x
 * axis is {@code 1 / (1 - percentile)} on a log scale (0%, 90%, 99%, 99.9%, ... equally spaced),
 * the y axis the latency. Points come from HdrHistogram's percentile iteration, five steps per
 * halving of the distance to 100%, which is what {@code outputPercentileDistribution} prints; the
 * curve ends at the highest value recorded, placed at the last percentile a run of this many calls
 * can tell apart ({@code 1 - 1/count}).
 *
 * <p>Usage:
 *
 * <pre>{@code
 * PercentileCurve curve = PercentileCurve.of(histogram);
 * for (PercentileCurve.Point p : curve.points()) plot(p.x(), p.millis());
 * }</pre>
 *
 * @param points ascending in percentile
 * @param count values in the histogram
 */
record PercentileCurve(List<Point> points, long count) {

  /** Steps per halving of the distance to 100%, as HdrHistogram's percentile output uses. */
  static final int TICKS_PER_HALF_DISTANCE = 5;

  /**
   * One point.
   *
   * @param percentile 0 to 100
   * @param millis the latency at it
   */
  record Point(double percentile, double millis) {

    /** {@code 1 / (1 - percentile/100)}: the x position on the log axis, from 1. */
    double x() {
      return 1 / (1 - percentile / 100);
    }
  }

  /** The curve of {@code histogram} (microseconds); no points when it is empty. */
  static PercentileCurve of(Histogram histogram) {
    long count = histogram.getTotalCount();
    List<Point> points = new ArrayList<>();
    if (count == 0) {
      return new PercentileCurve(points, 0);
    }
    double last = lastPercentile(count);
    for (HistogramIterationValue v : histogram.percentiles(TICKS_PER_HALF_DISTANCE)) {
      double percentile = v.getPercentileLevelIteratedTo();
      if (percentile >= last) {
        break;
      }
      points.add(new Point(percentile, v.getValueIteratedTo() / 1000.0));
    }
    points.add(new Point(last, histogram.getMaxValue() / 1000.0));
    return new PercentileCurve(points, count);
  }

  /** The last percentile {@code count} values can tell apart: {@code 100 * (1 - 1/count)}. */
  static double lastPercentile(long count) {
    return count <= 1 ? 0 : 100 * (1 - 1.0 / count);
  }

  /** The highest x: where the curve ends ({@code count}, at least 10). */
  double maxX() {
    return Math.max(10, count);
  }
}
