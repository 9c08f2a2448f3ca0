package dev.comfyagent.runtime.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkflowJsonTest {

  @ParameterizedTest(name = "{0} -> line {1}, column {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"3\": {\"class_type\": \"KSampler\",}}|1|33",
        "{\\n  \"3\": {\\n    \"class_type\": KSampler\\n  }\\n}|3|19",
        "{\"a\": 1} {\"b\": 2}|1|10",
      })
  void reportsMalformedJsonWithLineAndColumn(String text, int line, int column) {
    String unescaped = text.replace("\\n", "\n");
    assertThatThrownBy(() -> WorkflowJson.parse(unescaped, "bad.json"))
        .isInstanceOf(WorkflowFormatException.class)
        .hasMessageStartingWith(
            "malformed JSON in bad.json at line " + line + ", column " + column + ":");
  }

  @Test
  void reportsAnEmptyDocument() {
    assertThatThrownBy(() -> WorkflowJson.parse("   ", "empty.json"))
        .isInstanceOf(WorkflowFormatException.class)
        .hasMessageContaining("empty.json is empty");
  }

  @Test
  void keepsIntegersBeyondALongExactly() {
    JsonNode node = WorkflowJson.parse("{\"seed\": 18446744073709551615}", "t");
    assertThat(node.get("seed").bigIntegerValue())
        .isEqualTo(new BigInteger("18446744073709551615"));
    assertThat(WorkflowJson.compact(node)).isEqualTo("{\"seed\":18446744073709551615}");
  }

  @ParameterizedTest
  @CsvSource({"7.0", "0.1", "1024.0", "0.30000000000000004", "1E+3", "-2.5"})
  void writesDecimalsBackAsTheyWereRead(String number) {
    JsonNode node = WorkflowJson.parse("{\"cfg\": " + number + "}", "t");
    assertThat(WorkflowJson.compact(node)).isEqualTo("{\"cfg\":" + number + "}");
  }

  @Test
  void parsesBytesLikeText() {
    JsonNode node =
        WorkflowJson.parse(
            "{\"a\": 1.50}".getBytes(java.nio.charset.StandardCharsets.UTF_8), "bytes");
    assertThat(WorkflowJson.compact(node)).isEqualTo("{\"a\":1.50}");
  }

  @Test
  void reportsMalformedBytesWithLineAndColumn() {
    assertThatThrownBy(
            () ->
                WorkflowJson.parse(
                    "{\n\"a\": }".getBytes(java.nio.charset.StandardCharsets.UTF_8), "f.json"))
        .isInstanceOf(WorkflowFormatException.class)
        .hasMessageContaining("at line 2, column");
  }

  @Test
  void prettyPrintsWithIndentation() {
    assertThat(WorkflowJson.pretty(WorkflowJson.parse("{\"a\":{\"b\":1}}", "t")))
        .contains("\n  \"a\"");
  }
}
