package dev.comfyagent.runtime.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** The contracts that {@link InputSchema} and {@link ToolArguments} state in their Javadoc. */
class ToolArgumentsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static ToolArguments args(String json) throws Exception {
    return ToolArguments.of((ObjectNode) JSON.readTree(json));
  }

  @Test
  void integerBoundsIncludeBothEnds() throws Exception {
    assertThat(args("{\"n\": 1}").optionalInt("n", 1, 100)).contains(1);
    assertThat(args("{\"n\": 100}").optionalInt("n", 1, 100)).contains(100);
    assertThatThrownBy(() -> args("{\"n\": 101}").optionalInt("n", 1, 100))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessage("argument 'n' must be between 1 and 100, got 101");
    assertThatThrownBy(() -> args("{\"n\": 0}").optionalInt("n", 1, 100))
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void theSchemaWritesTheSameInclusiveBounds() {
    ObjectNode schema = InputSchema.object().optionalInteger("n", "count", 1, 100).build();

    assertThat(schema.at("/properties/n/minimum").asLong()).isEqualTo(1);
    assertThat(schema.at("/properties/n/maximum").asLong()).isEqualTo(100);
    assertThat(schema.at("/properties/n/exclusiveMinimum").isMissingNode()).isTrue();
  }

  @Test
  void aMinimumAboveTheMaximumIsRefusedWhenTheSchemaIsBuilt() {
    assertThatThrownBy(() -> InputSchema.object().requiredInteger("n", "count", 5, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("minimum 5 is above maximum 4 in count");
  }

  @Test
  void aPropertyDeclaredTwiceIsRefused() {
    assertThatThrownBy(
            () -> InputSchema.object().optionalString("a", "x").optionalBoolean("a", "y"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("property a is declared twice");
  }

  @Test
  void nullAndBlankCountAsNotSentExceptForRequiredAny() throws Exception {
    assertThat(args("{\"s\": null}").optionalString("s")).isEmpty();
    assertThat(args("{\"s\": \"  \"}").optionalString("s")).isEmpty();
    assertThat(args("{\"v\": null}").optionalAny("v")).isEmpty();
    assertThat(args("{\"v\": null}").requiredAny("v").isNull()).isTrue();
    assertThat(args("{\"v\": null}").has("v")).isTrue();
    assertThatThrownBy(() -> args("{}").requiredAny("v"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessage("argument 'v' is required");
  }

  @Test
  void nothingIsConverted() throws Exception {
    assertThatThrownBy(() -> args("{\"n\": \"5\"}").optionalInt("n", 1, 10))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessage("argument 'n' must be an integer, got string \"5\"");
    assertThatThrownBy(() -> args("{\"n\": 2.5}").optionalInt("n", 1, 10))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> args("{\"b\": \"true\"}").optionalBoolean("b"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageStartingWith("argument 'b' must be true or false");
  }

  @Test
  void buildGivesAnIndependentCopy() {
    InputSchema builder = InputSchema.object().requiredString("a", "x");
    ObjectNode first = builder.build();
    first.putObject("properties").put("changed", true);

    assertThat(builder.build()).isNotEqualTo(first);
    assertThat(builder.build().path("additionalProperties").asBoolean(true)).isFalse();
  }
}
