package dev.comfyagent.instrument.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class BinnedLatenciesTest {

  private final TimeBins bins = new TimeBins(0, 60_000, 4);

  @Test
  void aBinsPercentilesAreThoseOfEveryValueInItAcrossProcesses() {
    BinnedLatencies latencies = new BinnedLatencies(bins);
    Random random = new Random(3);
    Histogram bin1 = new Histogram(1, 3_600_000_000L, 2);
    Histogram whole = new Histogram(1, 3_600_000_000L, 2);
    // two processes, two intervals each ending in bin 1, of very different latencies
    for (int process = 0; process < 2; process++) {
      for (int interval = 0; interval < 2; interval++) {
        Histogram h = new Histogram(1, 3_600_000_000L, 2);
        for (int i = 0; i < 500; i++) {
          long v = process == 0 ? 1 + random.nextInt(2_000) : 100_000 + random.nextInt(900_000);
          h.recordValue(v);
          bin1.recordValue(v);
          whole.recordValue(v);
        }
        latencies.add("load", 60_000 + interval * 20_000 + 1, h);
      }
    }
    BinnedLatencies.Percentiles p = latencies.percentiles("load");
    assertThat(p.p50()[1]).isEqualTo(bin1.getValueAtPercentile(50) / 1000.0);
    assertThat(p.p95()[1]).isEqualTo(bin1.getValueAtPercentile(95) / 1000.0);
    assertThat(p.p99()[1]).isEqualTo(bin1.getValueAtPercentile(99) / 1000.0);
    assertThat(p.max()[1]).isEqualTo(bin1.getMaxValue() / 1000.0);
    assertThat(p.p50()[0]).isNaN();
    assertThat(p.p50()[2]).isNaN();
    assertThat(latencies.wholeRun().get("load")).isEqualTo(whole);
  }

  @Test
  void singleCallsFromTracesLandInTheBinOfTheirEnd() {
    BinnedLatencies latencies = new BinnedLatencies(bins);
    latencies.record("render", 10, 4_000_000);
    latencies.record("render", 130_000, 1_000);
    latencies.record("render", 130_500, 3_000);
    BinnedLatencies.Percentiles p = latencies.percentiles("render");
    assertThat(p.max()[0])
        .isEqualTo(new Histogram(1, 3_600_000_000L, 2).highestEquivalentValue(4_000_000) / 1000.0);
    Histogram bin2 = new Histogram(1, 3_600_000_000L, 2);
    bin2.recordValue(1_000);
    bin2.recordValue(3_000);
    assertThat(p.p50()[2]).isEqualTo(bin2.getValueAtPercentile(50) / 1000.0);
    assertThat(p.max()[2]).isEqualTo(bin2.getMaxValue() / 1000.0);
    assertThat(p.p50()[1]).isNaN();
    assertThat(latencies.wholeRun().get("render").getTotalCount()).isEqualTo(3);
  }

  @Test
  void aBinsMaxIsItsHighestValueEvenAmongThousands() {
    BinnedLatencies latencies = new BinnedLatencies(bins);
    for (int i = 0; i < 10_000; i++) {
      latencies.record("t", 200_000, 1_000 + (i % 7));
    }
    latencies.record("t", 200_000, 2_500_000);
    assertThat(latencies.percentiles("t").max()[3])
        .isEqualTo(new Histogram(1, 3_600_000_000L, 2).highestEquivalentValue(2_500_000) / 1000.0);
    assertThat(latencies.percentiles("t").p99()[3]).isLessThan(1.1);
  }

  @Test
  void anUnknownToolHasNoValues() {
    BinnedLatencies latencies = new BinnedLatencies(bins);
    assertThat(latencies.isEmpty()).isTrue();
    assertThat(latencies.percentiles("none").p99()).containsOnly(Double.NaN);
  }
}
