package dev.comfyagent.instrument.report;

/**
 * The time axis of the page's plots: equal bins of a "nice" width (1s, 2s, 5s, ..., 1m, 2m, 5m,
 * ..., 1h, ..., 1d) chosen so that a run of any length has at most {@code maxBins} bins and no bin
 * is narrower than the data's own interval (a metrics interval of 60s never gets 10s bins with five
 * of six empty). The first bin starts at a multiple of the width, for round axis labels.
 *
 * <p>A record belongs to the bin its end time falls in ({@link #indexOf}); records outside the
 * range go to the first or last bin.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * TimeBins bins = TimeBins.covering(firstMillis, lastMillis, 60_000, 240);
 * counts[bins.indexOf(line.endMillis())] += line.calls();
 * }</pre>
 *
 * @param startMillis start of the first bin, epoch ms
 * @param widthMillis width of every bin
 * @param count number of bins, at least 1
 */
record TimeBins(long startMillis, long widthMillis, int count) {

  /** The widths bins may have, shortest first. */
  static final long[] NICE_WIDTHS = {
    1_000,
    2_000,
    5_000,
    10_000,
    15_000,
    30_000,
    60_000,
    120_000,
    300_000,
    600_000,
    900_000,
    1_800_000,
    3_600_000,
    7_200_000,
    10_800_000,
    21_600_000,
    43_200_000,
    86_400_000
  };

  /**
   * Bins covering {@code [firstMillis, lastMillis]}.
   *
   * @param minWidthMillis the narrowest useful width (the data's interval), or 0
   * @param maxBins the most bins wanted
   */
  static TimeBins covering(long firstMillis, long lastMillis, long minWidthMillis, int maxBins) {
    if (lastMillis < firstMillis) {
      throw new IllegalArgumentException("the range ends before it starts");
    }
    long span = Math.max(1, lastMillis - firstMillis);
    long wanted = Math.max(minWidthMillis, (span + maxBins - 1) / maxBins);
    long width = NICE_WIDTHS[NICE_WIDTHS.length - 1];
    for (long nice : NICE_WIDTHS) {
      if (nice >= wanted) {
        width = nice;
        break;
      }
    }
    if (wanted > width) {
      // longer than the longest nice width: whole days
      width = (wanted + NICE_WIDTHS[NICE_WIDTHS.length - 1] - 1) / 86_400_000 * 86_400_000;
    }
    long start = Math.floorDiv(firstMillis, width) * width;
    int count = (int) Math.max(1, Math.floorDiv(lastMillis - start, width) + 1);
    return new TimeBins(start, width, count);
  }

  /** The bin of a record ending at {@code millis}, clamped to the range. */
  int indexOf(long millis) {
    long index = Math.floorDiv(millis - startMillis, widthMillis);
    return (int) Math.max(0, Math.min(count - 1, index));
  }

  /** The start of bin {@code index}. */
  long binStart(int index) {
    return startMillis + index * widthMillis;
  }

  /** The end of the last bin. */
  long endMillis() {
    return startMillis + count * widthMillis;
  }

  /** The width in seconds, for rates. */
  double widthSeconds() {
    return widthMillis / 1000.0;
  }

  /** The middle of each bin, for plotting per-bin values. */
  long[] centers() {
    long[] centers = new long[count];
    for (int i = 0; i < centers.length; i++) {
      centers[i] = binStart(i) + widthMillis / 2;
    }
    return centers;
  }
}
