package dev.comfyagent.instrument.record;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The counters and latency histogram of one tool.
 *
 * <p>{@link #record} is the hot path: wait-free and allocation-free (one {@link LatencyRecorder}
 * for calls that succeeded and one for calls that failed, whose counts are the ok and err counts; a
 * duration over one hour is recorded as one hour). The reporting side ({@link #sinceLastLine},
 * {@link #total}) drains the recorder under this object's lock, so interval and since-start figures
 * never lose or double a call.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * ToolStats stats = registry.forName("load_workflow");
 * stats.record(System.nanoTime() - start, true);
 * ToolFigures interval = stats.sinceLastLine(true);
 * }</pre>
 *
 * <p><b>Assumptions and guarantees.</b>
 *
 * <ul>
 *   <li>{@link #record} may be called from any number of threads at once; it never blocks, never
 *       takes this object's lock and allocates nothing. A duration over one hour counts as one
 *       hour, a negative one as zero.
 *   <li>The reading methods ({@link #snapshot}, {@link #sinceLastLine}, {@link #total}, {@link
 *       #cumulative}) are serialised by this object's lock; they are called by a few threads (the
 *       metrics thread, the stats tool, the exporters), so the lock is never contended by a tool
 *       call.
 *   <li>Every recorded call is in the total exactly once, and in exactly one interval: the
 *       intervals of successive {@code snapshot(true)} calls add up to the total, however calls
 *       race them.
 *   <li>The ok/err counts and the latency histogram always agree: a call is counted by the
 *       histogram it is recorded in, so a call being recorded while a snapshot is taken is in both
 *       or in neither ({@link Cumulative#timed} is {@code ok + err}).
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class ToolStats {

  /** Longest duration tracked exactly; longer calls are recorded as this. */
  public static final long HIGHEST_TRACKABLE_MICROS = TimeUnit.HOURS.toMicros(1);

  /** Significant digits of the latency histograms: values within 1%. */
  public static final int SIGNIFICANT_DIGITS = 2;

  private final String name;
  private final LatencyRecorder ok =
      new LatencyRecorder(HIGHEST_TRACKABLE_MICROS, SIGNIFICANT_DIGITS);
  private final LatencyRecorder err =
      new LatencyRecorder(HIGHEST_TRACKABLE_MICROS, SIGNIFICANT_DIGITS);

  private final Histogram sinceLine = newHistogram();
  private final Histogram total = newHistogram();
  private long okAtLine;
  private long okCount;
  private long errCount;

  /**
   * The hooks that observe this tool, chosen by {@link ToolCallTracker} from its current hook set
   * and replaced whole (one volatile write) when that set changes.
   */
  volatile HookChoice hookChoice;

  private long errAtLine;

  ToolStats(String name) {
    this.name = name;
  }

  /** The tool's name. */
  public String name() {
    return name;
  }

  /** Records one finished call. */
  public void record(long durationNanos, boolean success) {
    long micros = durationNanos / 1000;
    if (micros > HIGHEST_TRACKABLE_MICROS) {
      micros = HIGHEST_TRACKABLE_MICROS;
    } else if (micros < 0) {
      micros = 0;
    }
    (success ? ok : err).record(micros);
  }

  /**
   * The figures since the previous metrics line.
   *
   * @param startNewLine whether a metrics line is being written: the next call starts from zero
   */
  public synchronized ToolFigures sinceLastLine(boolean startNewLine) {
    return snapshot(startNewLine, null).interval();
  }

  /**
   * The figures for one metrics line, read at one instant: the interval's and the totals come from
   * the same reading of the counters, so the intervals of all lines add up to the total exactly
   * however calls race the line (reading the two separately let a call finishing in between reach
   * the total a line before its interval).
   *
   * @param startNewLine whether the next interval starts from here
   */
  public synchronized Snapshot snapshot(boolean startNewLine) {
    return snapshot(startNewLine, null);
  }

  /**
   * As {@link #snapshot(boolean)}, and the interval's latencies (microseconds) copied into {@code
   * latencies} when it is not {@code null}: its previous content is replaced, so one histogram can
   * be reused line after line (the latency log's scratch).
   */
  public synchronized Snapshot snapshot(boolean startNewLine, Histogram latencies) {
    drain();
    if (latencies != null) {
      latencies.reset();
      latencies.add(sinceLine);
    }
    long okNow = okCount;
    long errNow = errCount;
    Snapshot snapshot =
        new Snapshot(
            ToolFigures.of(name, okNow - okAtLine, errNow - errAtLine, sinceLine),
            ToolFigures.of(name, okNow, errNow, total));
    if (startNewLine) {
      sinceLine.reset();
      okAtLine = okNow;
      errAtLine = errNow;
    }
    return snapshot;
  }

  /** One reading of a tool's figures: since the previous line, and since start. */
  public record Snapshot(ToolFigures interval, ToolFigures total) {}

  /**
   * The figures since start as cumulative bucket counts, for exporters: {@code cumulativeCounts[i]}
   * is set to the number of calls of at most {@code upperBoundsMicros[i]} microseconds (bounds
   * ascending). A call is counted by its HdrHistogram bucket, so one within the histogram's
   * resolution (1%) of a bound may fall on either side of it; the counts never decrease.
   *
   * @param upperBoundsMicros the buckets' upper bounds, inclusive, ascending
   * @param cumulativeCounts filled, one count per bound; at least as long as the bounds
   */
  public synchronized Cumulative cumulative(long[] upperBoundsMicros, long[] cumulativeCounts) {
    drain();
    for (int i = 0; i < upperBoundsMicros.length; i++) {
      long bound = Math.min(upperBoundsMicros[i], total.getHighestTrackableValue());
      cumulativeCounts[i] = total.getTotalCount() == 0 ? 0 : total.getCountBetweenValues(0, bound);
    }
    long count = total.getTotalCount();
    return new Cumulative(
        okCount,
        errCount,
        count,
        count == 0 ? 0 : total.getMean() * count,
        count == 0 ? 0 : total.getMinValue(),
        count == 0 ? 0 : total.getMaxValue());
  }

  /**
   * A tool's figures since start for exporters.
   *
   * @param ok calls that succeeded
   * @param err calls that failed
   * @param timed calls in the latency histogram (always {@code ok + err}: a call is counted by the
   *     histogram it is recorded in)
   * @param sumMicros the latencies' sum, from the histogram (its mean times its count)
   * @param minMicros the lowest latency (its bucket's lowest value), 0 when none
   * @param maxMicros the highest latency (its bucket's highest value, as {@code max_ms}), 0 when
   *     none
   */
  public record Cumulative(
      long ok, long err, long timed, double sumMicros, long minMicros, long maxMicros) {}

  /** The figures since the agent started. */
  public synchronized ToolFigures total() {
    drain();
    return ToolFigures.of(name, okCount, errCount, total);
  }

  private void drain() {
    okCount += ok.drainInto(sinceLine, total);
    errCount += err.drainInto(sinceLine, total);
  }

  private static Histogram newHistogram() {
    return new Histogram(1, HIGHEST_TRACKABLE_MICROS, SIGNIFICANT_DIGITS);
  }

  /** {@code chosen}: the hooks of {@code from} (the tracker's set, by identity) that observe. */
  record HookChoice(ToolCallHook[] from, ToolCallHook[] chosen) {}
}
