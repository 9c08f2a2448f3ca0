package dev.comfyagent.instrument.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimestampsTest {

  @Test
  void theAgentsFormIsParsedExactlyAsInstantParseDoes() {
    Random random = new Random(5);
    for (int i = 0; i < 10_000; i++) {
      long millis = (long) (random.nextDouble() * 8_000_000_000_000L) - 1_000_000_000_000L;
      Instant instant = Instant.ofEpochMilli(millis);
      String text =
          String.format(
              "%tFT%<tT.%<tLZ",
              java.util.Date.from(instant).toInstant().atZone(java.time.ZoneOffset.UTC));
      assertThat(Timestamps.parseMillis(text)).as(text).isEqualTo(millis);
    }
  }

  @Test
  void otherIsoInstantsAreReadAndNonsenseIsNamed() {
    assertThat(Timestamps.parseMillis("2026-11-25T10:15:30Z"))
        .isEqualTo(Instant.parse("2026-11-25T10:15:30Z").toEpochMilli());
    assertThat(Timestamps.parseMillis("2026-11-25T10:15:30.123456Z"))
        .isEqualTo(Instant.parse("2026-11-25T10:15:30.123Z").toEpochMilli());
    assertThatThrownBy(() -> Timestamps.parseMillis("2026-13-45T99:15:30.123Z"))
        .hasMessageContaining("not a timestamp");
    assertThatThrownBy(() -> Timestamps.parseMillis("yesterday")).hasMessageContaining("yesterday");
    assertThat(Timestamps.format(0)).isEqualTo("1970-01-01 00:00:00");
    assertThat(Timestamps.iso(0)).isEqualTo("1970-01-01T00:00:00Z");
  }
}
