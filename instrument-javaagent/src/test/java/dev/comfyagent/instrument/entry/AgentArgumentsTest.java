package dev.comfyagent.instrument.entry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class AgentArgumentsTest {

  @Test
  void parsesCommaSeparatedPairsInOrder() {
    assertThat(AgentArguments.parse("output.dir=/var/log/agent, trace = off"))
        .containsExactly(Map.entry("output.dir", "/var/log/agent"), Map.entry("trace", "off"));
  }

  @Test
  void keepsWindowsPathsLiterally() {
    assertThat(AgentArguments.parse("output.dir=C:\\logs\\agent,trace=on"))
        .containsEntry("output.dir", "C:\\logs\\agent");
  }

  @Test
  void keepsCommasInsideDoubleQuotes() {
    assertThat(AgentArguments.parse("tools=\"a.B#c,d\",trace=off"))
        .containsEntry("tools", "a.B#c,d")
        .containsEntry("trace", "off");
  }

  @Test
  void keepsEqualsSignsInValues() {
    assertThat(AgentArguments.parse("config=/etc/a=b.properties"))
        .containsEntry("config", "/etc/a=b.properties");
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {" ", ",,"})
  void emptyArgumentsGiveNoOptions(String arguments) {
    assertThat(AgentArguments.parse(arguments)).isEmpty();
  }

  @Test
  void rejectsAPairWithoutEqualsNamingIt() {
    assertThatThrownBy(() -> AgentArguments.parse("trace=on,verbose"))
        .hasMessage("'verbose' is not key=value (pairs are separated by commas)");
  }

  @Test
  void rejectsAnUnclosedQuote() {
    assertThatThrownBy(() -> AgentArguments.parse("tools=\"a.B#c"))
        .hasMessageContaining("unclosed double quote");
  }

  @Test
  void wellFormedPairsLeaveOutWhatParseRefuses() {
    assertThat(AgentArguments.wellFormedPairs("trace=on,verbose,strict=true"))
        .containsExactly(Map.entry("trace", "on"), Map.entry("strict", "true"));
    assertThat(AgentArguments.wellFormedPairs("strict=yes,tools=\"a.B#c"))
        .containsEntry("strict", "yes");
  }

  @Test
  void strictIsTakenFromTheArgumentsThenTheSystemPropertyThenTheEnvironment() {
    Map<String, String> none = Map.of();
    assertThat(AgentArguments.strictRequested("strict=on", none, none)).isTrue();
    assertThat(AgentArguments.strictRequested("x", Map.of("comfyagent.strict", "TRUE"), none))
        .isTrue();
    assertThat(AgentArguments.strictRequested(null, none, Map.of("COMFYAGENT_STRICT", " yes ")))
        .isTrue();
    assertThat(
            AgentArguments.strictRequested(
                "strict=off",
                Map.of("comfyagent.strict", "true"),
                Map.of("COMFYAGENT_STRICT", "on")))
        .as("the arguments win")
        .isFalse();
    assertThat(AgentArguments.strictRequested("strict=maybe", none, none)).isFalse();
    assertThat(AgentArguments.strictRequested("strictly=on", none, none)).isFalse();
    assertThat(AgentArguments.strictRequested(null, none, none)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"true", "On", " YES "})
  void switchWordsThatMeanOn(String value) {
    assertThat(AgentArguments.isOn(value)).isTrue();
    assertThat(AgentArguments.isOff(value)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"false", "Off", "no"})
  void switchWordsThatMeanOff(String value) {
    assertThat(AgentArguments.isOff(value)).isTrue();
    assertThat(AgentArguments.isOn(value)).isFalse();
  }

  @Test
  void anythingElseIsNoSwitch() {
    assertThat(AgentArguments.isOn("1")).isFalse();
    assertThat(AgentArguments.isOff("0")).isFalse();
  }
}
