package dev.comfyagent.instrument.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TimeBinsTest {

  private static final long T0 = 1_764_065_730_123L;

  @ParameterizedTest
  @CsvSource({
    // span ms, min width, max bins, expected width
    "120000, 5000, 240, 5000",
    "120000, 0, 240, 1000",
    "86400000, 60000, 240, 600000",
    "86400000, 0, 100, 900000",
    "3600000, 60000, 240, 60000",
    "604800000, 60000, 240, 3600000",
    "8640000000, 0, 240, 43200000"
  })
  void theWidthIsTheNarrowestNiceOneThatFitsTheBinsAndTheDatasInterval(
      long span, long minWidth, int maxBins, long width) {
    TimeBins bins = TimeBins.covering(T0, T0 + span, minWidth, maxBins);
    assertThat(bins.widthMillis()).isEqualTo(width);
    assertThat(bins.count()).isLessThanOrEqualTo(maxBins + 1);
    assertThat(bins.startMillis() % width).isZero();
    assertThat(bins.startMillis()).isLessThanOrEqualTo(T0);
    assertThat(bins.endMillis()).isGreaterThan(T0 + span);
  }

  @Test
  void aRunLongerThanTheLongestNiceWidthGetsWholeDays() {
    long span = 2000L * 86_400_000L;
    TimeBins bins = TimeBins.covering(T0, T0 + span, 0, 240);
    assertThat(bins.widthMillis() % 86_400_000L).isZero();
    assertThat(bins.count()).isLessThanOrEqualTo(241);
  }

  @Test
  void aRecordBelongsToTheBinItsEndFallsInAndOutsidersToTheEdges() {
    TimeBins bins = new TimeBins(60_000, 10_000, 6);
    assertThat(bins.indexOf(60_000)).isZero();
    assertThat(bins.indexOf(69_999)).isZero();
    assertThat(bins.indexOf(70_000)).isEqualTo(1);
    assertThat(bins.indexOf(119_999)).isEqualTo(5);
    assertThat(bins.indexOf(0)).isZero();
    assertThat(bins.indexOf(10_000_000)).isEqualTo(5);
    assertThat(bins.binStart(2)).isEqualTo(80_000);
    assertThat(bins.widthSeconds()).isEqualTo(10.0);
  }

  @Test
  void aRangeThatEndsBeforeItStartsIsRefused() {
    assertThatThrownBy(() -> TimeBins.covering(10, 5, 0, 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(TimeBins.covering(T0, T0, 0, 10).count()).isEqualTo(1);
  }
}
