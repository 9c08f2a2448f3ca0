package dev.comfyagent.instrument.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ToolPatternTest {

  @ParameterizedTest(name = "{0} vs {1}: {2}")
  @CsvSource({
    "com.acme.*Tool#execute, com.acme.SearchTool, true",
    "com.acme.*Tool#execute, com.acme.sub.SearchTool, false",
    "com.acme.**#execute, com.acme.sub.SearchTool, true",
    "com.acme.SearchTool#execute, com.acme.SearchTool, true",
    "com.acme.*Tool#execute, com.acme.SearchTools, false",
    "com.acme.*$*#run, com.acme.Outer$Inner, true"
  })
  void classGlobsMatchBinaryNames(String pattern, String className, boolean matches) {
    assertThat(ToolPattern.parse(pattern).matchesTypeName(className)).isEqualTo(matches);
  }

  @ParameterizedTest(name = "{0} vs {1}: {2}")
  @CsvSource({
    "a.B#execute, execute, true",
    "a.B#handle*, handleCall, true",
    "a.B#handle*, onHandle, false",
    "a.B#*, x, true"
  })
  void methodGlobsMatchNames(String pattern, String method, boolean matches) {
    assertThat(ToolPattern.parse(pattern).matchesMethodName(method)).isEqualTo(matches);
  }

  @Test
  void trailingPlusMeansSubtypes() {
    ToolPattern pattern = ToolPattern.parse("com.acme.Tool+#run");
    assertThat(pattern.includeSubtypes()).isTrue();
    assertThat(pattern.typeGlob()).isEqualTo("com.acme.Tool");
    assertThat(pattern).hasToString("com.acme.Tool+#run");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "com.acme.Tool",
        "#run",
        "a.B#",
        "a.B#c#d",
        "a.*Tool+#run",
        "a.B c#run",
        "a.B#ru-n"
      })
  void malformedPatternsAreRejectedNamingThePattern(String pattern) {
    assertThatThrownBy(() -> ToolPattern.parse(pattern))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + pattern + "'");
  }

  @Test
  void severalPatternsAreSeparatedBySemicolons() {
    assertThat(ToolPattern.parseAll(" a.B#c ; ;d.E#f ")).hasSize(2);
  }
}
