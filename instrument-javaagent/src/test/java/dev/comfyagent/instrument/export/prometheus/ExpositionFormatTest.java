package dev.comfyagent.instrument.export.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExpositionFormatTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1 | OPENMETRICS",
        "application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.9 | PROMETHEUS_TEXT",
        "text/plain;version=0.0.4 | PROMETHEUS_TEXT",
        "*/* | PROMETHEUS_TEXT",
        "application/openmetrics-text; version=1.0.0; q=0 | PROMETHEUS_TEXT",
        "application/openmetrics-text | OPENMETRICS",
        "application/json | PROMETHEUS_TEXT"
      })
  void theAcceptHeaderChoosesTheFormat(String accept, ExpositionFormat expected) {
    assertThat(ExpositionFormat.forAccept(accept)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "absent: {0}")
  @CsvSource({"''", "'   '"})
  void noAcceptHeaderGetsThePrometheusText(String accept) {
    assertThat(ExpositionFormat.forAccept(accept)).isEqualTo(ExpositionFormat.PROMETHEUS_TEXT);
    assertThat(ExpositionFormat.forAccept(null)).isEqualTo(ExpositionFormat.PROMETHEUS_TEXT);
  }
}
