package dev.comfyagent.instrument.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class PercentileCurveTest {

  @Test
  void theCurveRisesToTheSlowestCallAtTheLastPercentileTheRunCanTellApart() {
    Histogram h = new Histogram(1, 3_600_000_000L, 2);
    for (int i = 1; i <= 1000; i++) {
      h.recordValue(i * 100L);
    }
    PercentileCurve curve = PercentileCurve.of(h);
    List<PercentileCurve.Point> points = curve.points();
    assertThat(points.get(0).percentile()).isZero();
    PercentileCurve.Point last = points.get(points.size() - 1);
    assertThat(last.percentile()).isEqualTo(99.9);
    assertThat(last.millis()).isEqualTo(h.getMaxValue() / 1000.0);
    assertThat(last.x()).isCloseTo(1000, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(curve.maxX()).isEqualTo(1000);
    for (int i = 1; i < points.size(); i++) {
      assertThat(points.get(i).percentile()).isGreaterThanOrEqualTo(points.get(i - 1).percentile());
      assertThat(points.get(i).millis()).isGreaterThanOrEqualTo(points.get(i - 1).millis());
    }
    // HdrHistogram's own output: the value at 50% is the curve's at 50%.
    double at50 =
        points.stream().filter(p -> p.percentile() >= 50).findFirst().orElseThrow().millis();
    assertThat(at50).isEqualTo(h.getValueAtPercentile(50) / 1000.0);
  }

  @Test
  void oneCallIsOnePointAndNoCallNone() {
    Histogram h = new Histogram(1, 3_600_000_000L, 2);
    assertThat(PercentileCurve.of(h).points()).isEmpty();
    h.recordValue(1234);
    assertThat(PercentileCurve.of(h).points()).hasSize(1);
    assertThat(PercentileCurve.lastPercentile(1)).isZero();
    assertThat(PercentileCurve.lastPercentile(100)).isEqualTo(99.0);
  }
}
