package dev.comfyagent.runtime.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.comfyagent.runtime.tool.InvalidArgumentException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SessionNamesTest {

  @ParameterizedTest
  @ValueSource(strings = {"shot_010", "hero-v2", "Client Review 3", "a", "v1.2", "X9"})
  void acceptsNamesThatAreSafeFileNamesEverywhere(String name) {
    assertThat(SessionNames.validate(name)).isEqualTo(name);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "../etc/passwd | path character",
        "a/b | path character",
        "a\\b | path character",
        "C:x | path character",
        "a..b | contains '..'",
        ".hidden | letters, digits",
        "-flag | letters, digits",
        "name* | letters, digits",
        "tab\there | letters, digits",
        "shot. | ends with a dot",
        "'shot ' | ends with a dot or a space",
        "CON | reserved device name",
        "nul.json | reserved device name",
        "com1 | reserved device name",
        "Lpt9.backup | reserved device name"
      })
  void rejectsUnsafeNamesSayingWhy(String name, String reason) {
    assertThatThrownBy(() -> SessionNames.validate(name.replace("\\t", "\t")))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageStartingWith("invalid session name")
        .hasMessageContaining(reason)
        .hasMessageEndingWith("(for example: shot_010_lighting)");
  }

  @org.junit.jupiter.api.Test
  void rejectsNamesLongerThanTheBound() {
    assertThatThrownBy(() -> SessionNames.validate("x".repeat(65)))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("it has 65 characters; at most 64 are allowed");
    assertThat(SessionNames.validate("x".repeat(64))).hasSize(64);
  }

  @org.junit.jupiter.api.Test
  void rejectsAnEmptyName() {
    assertThatThrownBy(() -> SessionNames.validate(""))
        .hasMessageContaining("a session name is required");
  }
}
