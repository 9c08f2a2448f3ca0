package dev.comfyagent.instrument.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OptionKindTest {

  @ParameterizedTest
  @CsvSource({"250ms,250", "30s,30000", "5m,300000", "1h,3600000", "60,60000", " 2S ,2000"})
  void durationsAcceptUnits(String text, long millis) {
    assertThat(OptionKind.parseDurationMillis(text)).isEqualTo(millis);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0s", "-5s", "soon", "5d", ""})
  void invalidDurationsAreRejected(String text) {
    assertThatThrownBy(() -> OptionKind.parseDurationMillis(text))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @CsvSource({
    "512KB,524288",
    "10MB,10485760",
    "1GB,1073741824",
    "2k,2048",
    "100,100",
    "0,0",
    "7B,7"
  })
  void sizesAcceptUnits(String text, long bytes) {
    assertThat(OptionKind.parseSizeBytes(text)).isEqualTo(bytes);
  }

  @ParameterizedTest
  @CsvSource({"true,true", "ON,true", "yes,true", "false,false", "Off,false", "no,false"})
  void switchesAcceptTheUsualWords(String text, boolean value) {
    assertThat(OptionKind.parseSwitch(text)).isEqualTo(value);
  }
}
