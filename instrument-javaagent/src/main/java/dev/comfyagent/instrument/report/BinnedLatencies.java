package dev.comfyagent.instrument.report;

import dev.comfyagent.instrument.fleet.FleetLatencies;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Latencies per tool and time bin, for the p50/p95/p99 lines of the page, and per tool over the
 * whole run, for its table and percentile plot. Percentiles of a bin are computed from every value
 * that fell in it — from all processes' interval histograms, or from trace lines — never by
 * averaging the percentiles of intervals or processes.
 *
 * <p>A bin holds its values sparsely, as (value, count) pairs: an HdrHistogram interval adds one
 * pair per non-empty bucket (its highest equivalent value, which lands in the same bucket again), a
 * trace line adds one pair. So a day of intervals of many tools costs megabytes, not a histogram
 * (tens of kilobytes) per tool and bin; each bin's histogram is rebuilt in one reused scratch
 * histogram when its percentiles are asked for.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * BinnedLatencies latencies = new BinnedLatencies(bins);
 * latencies.add("load_workflow", endMillis, intervalHistogram);
 * latencies.record("load_workflow", endMillis, micros);
 * BinnedLatencies.Percentiles p = latencies.percentiles("load_workflow");
 * }</pre>
 *
 * <p>Not thread-safe.
 */
final class BinnedLatencies {

  /** The percentiles of each bin, in ms; {@code NaN} for a bin without a value. */
  record Percentiles(double[] p50, double[] p95, double[] p99, double[] max) {}

  private final TimeBins bins;
  private final Map<String, Tool> tools = new TreeMap<>();
  private final Histogram scratch = FleetLatencies.newHistogram();

  BinnedLatencies(TimeBins bins) {
    this.bins = bins;
  }

  /** Adds every value of an interval histogram (microseconds) ending at {@code endMillis}. */
  void add(String tool, long endMillis, Histogram interval) {
    Tool t = tool(tool);
    t.whole.add(interval);
    Pairs pairs = t.bin(bins.indexOf(endMillis));
    for (HistogramIterationValue v : interval.recordedValues()) {
      pairs.add(v.getValueIteratedTo(), v.getCountAtValueIteratedTo());
    }
  }

  /** Adds one call's latency in microseconds, of a call that ended at {@code endMillis}. */
  void record(String tool, long endMillis, long micros) {
    Tool t = tool(tool);
    t.whole.recordValue(micros);
    t.bin(bins.indexOf(endMillis)).add(micros, 1);
  }

  /** Adds everything {@code other} (over the same bins) holds. */
  void addAll(BinnedLatencies other) {
    other.tools.forEach(
        (name, from) -> {
          Tool into = tool(name);
          into.whole.add(from.whole);
          for (int bin = 0; bin < from.bins.length; bin++) {
            Pairs pairs = from.bins[bin];
            if (pairs != null) {
              Pairs target = into.bin(bin);
              for (int i = 0; i < pairs.size; i++) {
                target.add(pairs.values[i], pairs.counts[i]);
              }
            }
          }
        });
  }

  /** The tools that have a latency, by name. */
  Map<String, Histogram> wholeRun() {
    Map<String, Histogram> whole = new TreeMap<>();
    tools.forEach((name, tool) -> whole.put(name, tool.whole));
    return Collections.unmodifiableMap(whole);
  }

  /** Whether any latency was added. */
  boolean isEmpty() {
    return tools.isEmpty();
  }

  /** One tool's percentiles per bin (all {@code NaN} for a tool without latencies). */
  Percentiles percentiles(String tool) {
    int n = bins.count();
    double[] p50 = nans(n);
    double[] p95 = nans(n);
    double[] p99 = nans(n);
    double[] max = nans(n);
    Tool t = tools.get(tool);
    if (t != null) {
      for (int bin = 0; bin < n; bin++) {
        Pairs pairs = t.bins[bin];
        if (pairs == null || pairs.size == 0) {
          continue;
        }
        scratch.reset();
        for (int i = 0; i < pairs.size; i++) {
          scratch.recordValueWithCount(pairs.values[i], pairs.counts[i]);
        }
        p50[bin] = scratch.getValueAtPercentile(50) / 1000.0;
        p95[bin] = scratch.getValueAtPercentile(95) / 1000.0;
        p99[bin] = scratch.getValueAtPercentile(99) / 1000.0;
        max[bin] = scratch.getMaxValue() / 1000.0;
      }
    }
    return new Percentiles(p50, p95, p99, max);
  }

  private Tool tool(String name) {
    return tools.computeIfAbsent(name, n -> new Tool(bins.count()));
  }

  private static double[] nans(int n) {
    double[] values = new double[n];
    Arrays.fill(values, Double.NaN);
    return values;
  }

  private static final class Tool {
    final Histogram whole = FleetLatencies.newHistogram();
    final Pairs[] bins;

    Tool(int count) {
      this.bins = new Pairs[count];
    }

    Pairs bin(int index) {
      Pairs pairs = bins[index];
      if (pairs == null) {
        pairs = new Pairs();
        bins[index] = pairs;
      }
      return pairs;
    }
  }

  /** A growable list of (value, count). */
  private static final class Pairs {
    long[] values = new long[8];
    long[] counts = new long[8];
    int size;

    void add(long value, long count) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
        counts = Arrays.copyOf(counts, size * 2);
      }
      values[size] = value;
      counts[size] = count;
      size++;
    }
  }
}
