package dev.comfyagent.instrument.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class DownsampleTest {

  @Test
  void aOneSampleSpikeSurvivesAtItsFullHeightAndTime() {
    int n = 86_400; // a day of one sample a second
    long[] times = new long[n];
    double[] values = new double[n];
    Random random = new Random(1);
    for (int i = 0; i < n; i++) {
      times[i] = i * 1000L;
      values[i] = 10 + random.nextDouble();
    }
    values[43_210] = 97.5;
    TimeBins bins = TimeBins.covering(0, times[n - 1], 0, 240);
    Downsample.Points points = Downsample.keepingMax(times, values, bins);
    assertThat(points.size()).isLessThanOrEqualTo(bins.count());
    assertThat(points.max()).isEqualTo(97.5);
    int at = java.util.Arrays.binarySearch(points.times(), 43_210_000L);
    assertThat(at).isNotNegative();
    assertThat(points.values()[at]).isEqualTo(97.5);
  }

  @Test
  void eachBinKeepsItsOwnHighestValue() {
    TimeBins bins = new TimeBins(0, 10, 3);
    long[] times = {1, 5, 9, 12, 18, 25};
    double[] values = {3, 8, 2, 1, Double.NaN, 4};
    Downsample.Points points = Downsample.keepingMax(times, values, bins);
    assertThat(points.times()).containsExactly(5, 12, 25);
    assertThat(points.values()).containsExactly(8, 1, 4);
  }

  @Test
  void aSeriesWithAtMostOnePointPerBinIsKeptAsItIs() {
    TimeBins bins = new TimeBins(0, 10, 4);
    long[] times = {3, 14, 37};
    double[] values = {0.5, 7, 2};
    Downsample.Points points = Downsample.keepingMax(times, values, bins);
    assertThat(points.times()).containsExactly(times);
    assertThat(points.values()).containsExactly(values);
  }

  @Test
  void noValuesGiveNoPoints() {
    Downsample.Points points =
        Downsample.keepingMax(new long[] {1}, new double[] {Double.NaN}, new TimeBins(0, 10, 1));
    assertThat(points.size()).isZero();
    assertThat(points.max()).isNaN();
  }
}
