package dev.comfyagent.instrument.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LatencyRecorderTest {

  private static final long HIGHEST = ToolStats.HIGHEST_TRACKABLE_MICROS;

  @Test
  void everyValueLandsInTheBucketAnHdrHistogramOfTheSamePrecisionGivesIt() {
    for (int digits = 0; digits <= 3; digits++) {
      LatencyRecorder recorder = new LatencyRecorder(HIGHEST, digits);
      Histogram reference = new Histogram(1, HIGHEST, digits);
      SplittableRandom random = new SplittableRandom(17);
      for (int i = 0; i < 200_000; i++) {
        long value =
            i < 5_000 ? i : i < 6_000 ? HIGHEST - (i - 5_000) : random.nextLong(0, HIGHEST + 1);
        long lowestOfBucket = recorder.valueAt(recorder.indexOf(value));
        assertThat(reference.lowestEquivalentValue(lowestOfBucket))
            .as("digits %d, value %d", digits, value)
            .isEqualTo(lowestOfBucket)
            .isEqualTo(reference.lowestEquivalentValue(value));
      }
    }
  }

  @Test
  void drainedHistogramsHoldWhatADirectlyRecordedHistogramHolds() {
    LatencyRecorder recorder = new LatencyRecorder(HIGHEST, ToolStats.SIGNIFICANT_DIGITS);
    Histogram direct = new Histogram(1, HIGHEST, ToolStats.SIGNIFICANT_DIGITS);
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 50_000; i++) {
      long value = (long) Math.exp(random.nextDouble() * Math.log(HIGHEST));
      recorder.record(value);
      direct.recordValue(value);
    }
    Histogram interval = new Histogram(1, HIGHEST, ToolStats.SIGNIFICANT_DIGITS);
    Histogram total = new Histogram(1, HIGHEST, ToolStats.SIGNIFICANT_DIGITS);

    assertThat(recorder.drainInto(interval, total)).isEqualTo(50_000);

    assertThat(interval).isEqualTo(direct);
    assertThat(total).isEqualTo(direct);
    for (double p : new double[] {50, 95, 99, 99.9}) {
      assertThat(interval.getValueAtPercentile(p)).isEqualTo(direct.getValueAtPercentile(p));
    }
    assertThat(interval.getMaxValue()).isEqualTo(direct.getMaxValue());
    assertThat(interval.getMean()).isEqualTo(direct.getMean());
  }

  @Test
  void aDrainAddsOnlyWhatWasRecordedSinceThePreviousOne() {
    LatencyRecorder recorder = new LatencyRecorder(HIGHEST, 2);
    Histogram interval = new Histogram(1, HIGHEST, 2);
    Histogram total = new Histogram(1, HIGHEST, 2);
    recorder.record(10);
    recorder.record(10);
    assertThat(recorder.drainInto(interval, total)).isEqualTo(2);
    interval.reset();
    recorder.record(10);
    recorder.record(HIGHEST);

    assertThat(recorder.drainInto(interval, total)).isEqualTo(2);
    assertThat(recorder.drainInto(interval, total)).isZero();

    assertThat(interval.getTotalCount()).isEqualTo(2);
    assertThat(interval.getCountAtValue(10)).isEqualTo(1);
    assertThat(total.getTotalCount()).isEqualTo(4);
    assertThat(total.getCountAtValue(10)).isEqualTo(3);
  }
}
