package dev.comfyagent.instrument.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimeWindowTest {

  private static final long END = Instant.parse("2026-11-25T12:00:00Z").toEpochMilli();

  @Test
  void durationsCountBackFromTheEndOfTheData() {
    TimeWindow window = TimeWindow.parse("90m", "30s").resolve(END);
    assertThat(window.since()).isEqualTo(END - 90 * 60_000);
    assertThat(window.until()).isEqualTo(END - 30_000);
    assertThat(TimeWindow.parse("2d", null).resolve(END).since()).isEqualTo(END - 2 * 86_400_000L);
    assertThat(TimeWindow.parse("250ms", null).resolve(END).since()).isEqualTo(END - 250);
  }

  @Test
  void instantsAreTakenAsTheyAre() {
    TimeWindow window =
        TimeWindow.parse("2026-11-25T10:00:00Z", "2026-11-25T12:00:00+01:00").resolve(END);
    assertThat(window.since()).isEqualTo(Instant.parse("2026-11-25T10:00:00Z").toEpochMilli());
    assertThat(window.until()).isEqualTo(Instant.parse("2026-11-25T11:00:00Z").toEpochMilli());
  }

  @Test
  void aRecordCountsWhereItEnds() {
    TimeWindow window =
        TimeWindow.parse("2026-11-25T10:00:00Z", "2026-11-25T11:00:00Z").resolve(END);
    long ten = Instant.parse("2026-11-25T10:00:00Z").toEpochMilli();
    long eleven = Instant.parse("2026-11-25T11:00:00Z").toEpochMilli();
    assertThat(window.contains(ten)).isFalse();
    assertThat(window.contains(ten + 1)).isTrue();
    assertThat(window.contains(eleven)).isTrue();
    assertThat(window.contains(eleven + 1)).isFalse();
    assertThat(TimeWindow.all().contains(Long.MIN_VALUE + 1)).isTrue();
    assertThat(TimeWindow.all().isAll()).isTrue();
  }

  @Test
  void wrongValuesAreNamed() {
    assertThatThrownBy(() -> TimeWindow.parse("yesterday", null))
        .hasMessageContaining("--since yesterday is neither an instant");
    assertThatThrownBy(() -> TimeWindow.parse(null, "99999999999999999d"))
        .hasMessageContaining("--until 99999999999999999d");
    assertThatThrownBy(() -> TimeWindow.parse("1h", "2h").resolve(END))
        .hasMessageContaining("--since 1h is not before --until 2h");
  }
}
