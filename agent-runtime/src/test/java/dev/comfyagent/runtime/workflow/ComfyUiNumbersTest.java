package dev.comfyagent.runtime.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.discover.NodeCatalog;
import dev.comfyagent.runtime.discover.NodeDefinitions;
import dev.comfyagent.runtime.session.SessionRegistry;
import dev.comfyagent.runtime.tool.InvalidArgumentException;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolResult;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Numbers as ComfyUI reads them: INT bounds compared exactly (a maximum that passed through a float
 * included), FLOAT bounds as floats, NaN/Infinity/out-of-float-range literals refused, and equal
 * numbers equal whatever their spelling.
 */
class ComfyUiNumbersTest {

  private static final ToolContext C = ToolContext.detached("c");

  /**
   * A seed input as ComfyUI stand-ins and re-serialised dumps publish it: {@code
   * 0xffffffffffffffff} written through a float, read the way HttpComfyUiClient reads {@code
   * /object_info} (a plain ObjectMapper: decimals as doubles).
   */
  private static NodeDefinitions catalogWithMaximum(String max) throws Exception {
    JsonNode objectInfo =
        new ObjectMapper()
            .readTree(
                "{\"Seeded\": {\"input\": {\"required\": {"
                    + "\"seed\": [\"INT\", {\"default\": 0, \"min\": 0, \"max\": "
                    + max
                    + "}],"
                    + "\"offset\": [\"INT\", {\"min\": -9.223372036854776e18, \"max\":"
                    + " 9.223372036854776e18}],"
                    + "\"cfg\": [\"FLOAT\", {\"min\": 0.0, \"max\": 0.1}]}},"
                    + " \"output\": [\"INT\"], \"output_node\": true, \"category\": \"t\"}}");
    return NodeDefinitions.parse(objectInfo);
  }

  private static Optional<ValidationProblem> seedProblem(NodeDefinitions defs, String value) {
    ObjectNode api =
        (ObjectNode)
            WorkflowJson.parse(
                "{\"1\": {\"class_type\": \"Seeded\", \"inputs\": {\"seed\": "
                    + value
                    + ", \"offset\": 0, \"cfg\": 0.05}}}",
                "test");
    return WorkflowValidator.validate(Workflow.ofApi(api), Optional.of(defs)).problems().stream()
        .filter(p -> "seed".equals(p.input()))
        .findFirst();
  }

  @ParameterizedTest(name = "max {0}")
  @ValueSource(
      strings = {
        "1.8446744073709552e19",
        "1.8446744073709552E+19",
        "18446744073709552000",
        "18446744073709551615"
      })
  void aSeedMaximumThatPassedThroughAFloatMeansTwoToTheSixtyFourMinusOne(String max)
      throws Exception {
    NodeDefinitions defs = catalogWithMaximum(max);

    assertThat(seedProblem(defs, "18446744073709551615")).isEmpty();
    assertThat(seedProblem(defs, "18446744073709551616"))
        .get()
        .extracting(ValidationProblem::message)
        .isEqualTo("18446744073709551616 is above the maximum 18446744073709551615");
    assertThat(seedProblem(defs, "18446744073709552000")).isPresent();
    assertThat(seedProblem(defs, "1.8446744073709552e19")).isPresent();
  }

  @Test
  void aSignedMinimumAndMaximumThatPassedThroughAFloatAreTheLongBounds() {
    assertThat(LiteralCheck.intMaximum(new BigDecimal("9.223372036854776e18")))
        .isEqualTo(BigInteger.valueOf(Long.MAX_VALUE));
    assertThat(LiteralCheck.intMinimum(new BigDecimal("-9.223372036854776e18")))
        .isEqualTo(BigInteger.valueOf(Long.MIN_VALUE));
    assertThat(LiteralCheck.intMaximum(new BigDecimal("4294967295"))).isEqualTo(4294967295L);
    assertThat(LiteralCheck.intMaximum(new BigDecimal("9007199254740993")))
        .as("an exact integer literal is taken as it is")
        .isEqualTo(9007199254740993L);
    assertThat(LiteralCheck.intMaximum(new BigDecimal("10.5"))).isEqualTo(10);
    assertThat(LiteralCheck.intMinimum(new BigDecimal("-0.5"))).isEqualTo(0);
  }

  @Test
  void floatBoundsAreComparedAsComfyUiComparesFloats() throws Exception {
    NodeDefinitions defs = catalogWithMaximum("18446744073709551615");
    ObjectNode api =
        (ObjectNode)
            WorkflowJson.parse(
                "{\"1\": {\"class_type\": \"Seeded\", \"inputs\": {\"seed\": 1, \"offset\": 0,"
                    + " \"cfg\": 0.10000000000000001}},"
                    + " \"2\": {\"class_type\": \"Seeded\", \"inputs\": {\"seed\": 1, \"offset\": 0,"
                    + " \"cfg\": 0.1000001}}}",
                "test");

    assertThat(WorkflowValidator.validate(Workflow.ofApi(api), Optional.of(defs)).problems())
        .extracting(p -> p.nodeId() + " " + p.message())
        .containsExactly("2 0.1000001 is above the maximum 0.1");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "1e400|1E+400 is beyond ±1.7976931348623157e308",
        "-1e400|-1E+400 is beyond ±1.7976931348623157e308",
        "1e-400|1E-400 is closer to 0 than 4.9e-324"
      })
  void validationNamesTheNodeAndInputOfANumberNoFloatCanHold(String literal, String message) {
    ObjectNode api =
        (ObjectNode)
            WorkflowJson.parse(
                "{\"9\": {\"class_type\": \"Unknown\", \"inputs\": {\"strength\": "
                    + literal
                    + "}}}",
                "test");

    ValidationReport report = WorkflowValidator.validate(Workflow.ofApi(api), Optional.empty());

    assertThat(report.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.nodeId()).isEqualTo("9");
              assertThat(p.input()).isEqualTo("strength");
              assertThat(p.message()).startsWith(message);
            });
  }

  @Test
  void equalNumbersAreEqualWhateverTheirSpelling() {
    assertThat(JsonValues.same(json("7.5"), json("7.50"))).isTrue();
    assertThat(JsonValues.same(json("30"), json("30.0"))).isTrue();
    assertThat(JsonValues.same(json("[\"4\", 0]"), json("[\"4\", 0.0]"))).isTrue();
    assertThat(JsonValues.same(json("18446744073709551615"), json("1.8446744073709551615e19")))
        .isTrue();
    assertThat(JsonValues.same(json("7.5"), json("7.51"))).isFalse();
    assertThat(JsonValues.same(json("1"), json("true"))).isFalse();
    assertThat(JsonValues.same(json("\"7.5\""), json("7.5"))).isFalse();
    assertThat(
            JsonValues.same(
                com.fasterxml.jackson.databind.node.DoubleNode.valueOf(Double.NaN), json("0")))
        .isFalse();
  }

  @Test
  void aWriteOfAnEqualNumberKeepsTheValueAsItWasSpelled() {
    Workflow sdxl = Fixtures.sdxl();

    WorkflowPatcher.Result same =
        WorkflowPatcher.apply(
            sdxl,
            Fixtures.patch(
                "[{\"op\":\"replace\",\"path\":\"/10/inputs/cfg\",\"value\":7.50},"
                    + "{\"op\":\"add\",\"path\":\"/10/inputs/steps\",\"value\":25.0}]"));
    WorkflowPatcher.Result mixed =
        WorkflowPatcher.apply(
            sdxl,
            Fixtures.patch(
                "[{\"op\":\"replace\",\"path\":\"/10/inputs/cfg\",\"value\":7.50},"
                    + "{\"op\":\"replace\",\"path\":\"/10/inputs/steps\",\"value\":30}]"));

    assertThat(same.result()).isSameAs(sdxl);
    assertThat(same.inverse().isEmpty()).isTrue();
    assertThat(WorkflowJson.compact(mixed.result().input("10", "cfg").orElseThrow()))
        .isEqualTo("7.5");
    assertThat(mixed.inverse().toString())
        .isEqualTo("[{\"op\":\"replace\",\"path\":\"/10/inputs/steps\",\"value\":25}]");
  }

  private static JsonNode json(String text) {
    return WorkflowJson.parse(text, "test");
  }

  private Map<String, Tool> tools(SessionRegistry sessions) {
    return WorkflowTools.create(
            sessions,
            NodeCatalog.fixed(Fixtures.definitions()),
            Fixtures.noManagerMap(),
            dev.comfyagent.runtime.files.AllowedRoots.of(
                java.util.List.of(java.nio.file.Path.of(""))))
        .stream()
        .collect(Collectors.toMap(Tool::name, Function.identity()));
  }

  private static ToolResult call(Map<String, Tool> tools, String tool, String arguments) {
    return tools.get(tool).call((ObjectNode) WorkflowJson.parse(arguments, "arguments"), C);
  }

  @Test
  void settingAnInputToAnEqualNumberIsNoChangeAndUsesNoUndoStep() {
    SessionRegistry sessions = new SessionRegistry(50);
    Map<String, Tool> tools = tools(sessions);
    call(tools, "load_workflow", "{\"workflow\": " + Fixtures.text(Fixtures.SDXL_API) + "}");

    ToolResult same =
        call(tools, "set_input", "{\"node_id\": \"10\", \"input\": \"cfg\", \"value\": 7.50}");
    ToolResult sameSteps =
        call(tools, "set_input", "{\"node_id\": \"10\", \"input\": \"steps\", \"value\": 25.0}");

    assertThat(same.text())
        .startsWith("node 10 (KSamplerAdvanced) cfg is already 7.5; nothing was changed");
    assertThat(same.structuredContent().get("changed").asBoolean()).isFalse();
    assertThat(sameSteps.text()).contains("steps is already 25; nothing was changed");
    assertThat(sessions.current("c").workflow().undoHistory().depth()).isZero();
    assertThat(call(tools, "get_workflow_diff", "{}").text())
        .contains("identical to the loaded one")
        .doesNotContain("7.5 -> 7.5");
    assertThatThrownBy(() -> call(tools, "undo_workflow_patch", "{}"))
        .hasMessageContaining("nothing to undo");
  }

  @Test
  void aPatchThatOnlyRewritesEqualNumbersIsNoChange() {
    SessionRegistry sessions = new SessionRegistry(50);
    Map<String, Tool> tools = tools(sessions);
    call(tools, "load_workflow", "{\"workflow\": " + Fixtures.text(Fixtures.SDXL_API) + "}");
    call(tools, "set_input", "{\"node_id\": \"5\", \"input\": \"width\", \"value\": 896}");

    ToolResult result =
        call(
            tools,
            "apply_workflow_patch",
            "{\"patch\": [{\"op\":\"replace\",\"path\":\"/10/inputs/cfg\",\"value\":7.50},"
                + "{\"op\":\"replace\",\"path\":\"/10/inputs/steps\",\"value\":25.0},"
                + "{\"op\":\"replace\",\"path\":\"/11/inputs/noise_seed\","
                + "\"value\":1.8446744073709551615E19}]}");

    assertThat(result.isError()).isFalse();
    assertThat(result.text())
        .startsWith("Nothing was changed: the patch only writes values the workflow already has")
        .contains("undo depth stays 1");
    assertThat(result.structuredContent().get("applied").asBoolean()).isFalse();
    assertThat(sessions.current("c").workflow().undoHistory().depth()).isEqualTo(1);
    assertThat(call(tools, "get_workflow_diff", "{}").text())
        .contains("1 change since the workflow was loaded")
        .contains("width: 1024 -> 896")
        .doesNotContain("cfg");
  }

  @Test
  void setInputRefusesASeedAboveTwoToTheSixtyFourMinusOneAndTakesTheMaximum() {
    SessionRegistry sessions = new SessionRegistry(50);
    Map<String, Tool> tools = tools(sessions);
    call(tools, "load_workflow", "{\"workflow\": " + Fixtures.text(Fixtures.SDXL_API) + "}");

    assertThatThrownBy(
            () ->
                call(
                    tools,
                    "set_input",
                    "{\"node_id\": \"10\", \"input\": \"noise_seed\","
                        + " \"value\": 18446744073709551616}"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining(
            "node 10 (KSamplerAdvanced) noise_seed: 18446744073709551616 is above the maximum"
                + " 18446744073709551615");
    assertThat(
            call(
                    tools,
                    "set_input",
                    "{\"node_id\": \"10\", \"input\": \"noise_seed\","
                        + " \"value\": 18446744073709551615}")
                .isError())
        .isFalse();
  }
}
