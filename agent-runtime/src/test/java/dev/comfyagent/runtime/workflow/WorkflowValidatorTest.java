package dev.comfyagent.runtime.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfyagent.runtime.workflow.ValidationProblem.Severity;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkflowValidatorTest {

  private static ValidationReport validateAfter(String patchJson) {
    Workflow wf = WorkflowPatcher.apply(Fixtures.sdxl(), Fixtures.patch(patchJson)).result();
    return WorkflowValidator.validate(wf, Fixtures.catalog());
  }

  @Test
  void acceptsTheSdxlFixture() {
    ValidationReport report = WorkflowValidator.validate(Fixtures.sdxl(), Fixtures.catalog());
    assertThat(report.problems()).isEmpty();
    assertThat(report.valid()).isTrue();
    assertThat(report.text()).startsWith("No problems found in 11 nodes (checked against");
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      value = {
        // unknown class_type, with the closest names
        "[{\"op\":\"replace\",\"path\":\"/5/class_type\",\"value\":\"EmptyLatentImag\"}]"
            + "|ERROR|5|null|unknown class_type 'EmptyLatentImag'|did you mean EmptyLatentImage?",
        // missing required literal and link inputs
        "[{\"op\":\"remove\",\"path\":\"/10/inputs/steps\"}]"
            + "|ERROR|10|steps|required input is missing (INT)|e.g. to the default 20",
        "[{\"op\":\"remove\",\"path\":\"/17/inputs/vae\"}]"
            + "|ERROR|17|vae|required input is missing (VAE)|[\"4\", 2] (CheckpointLoaderSimple)",
        // links to a missing node, an output index out of range, a wrong type
        "[{\"op\":\"replace\",\"path\":\"/17/inputs/samples\",\"value\":[\"42\",0]}]"
            + "|ERROR|17|samples|links to node 42, which does not exist|null",
        "[{\"op\":\"replace\",\"path\":\"/17/inputs/vae\",\"value\":[\"12\",3]}]"
            + "|ERROR|17|vae|links to output 3 of node 12 (CheckpointLoaderSimple), which has outputs 0 MODEL, 1 CLIP, 2 VAE|null",
        "[{\"op\":\"replace\",\"path\":\"/17/inputs/vae\",\"value\":[\"12\",0]}]"
            + "|ERROR|17|vae|expects VAE, but output 0 of node 12 (CheckpointLoaderSimple) is MODEL|use output 2 of node 12 instead",
        "[{\"op\":\"replace\",\"path\":\"/17/inputs/vae\",\"value\":[12,2]}]"
            + "|ERROR|17|vae|links by the number 12; node ids in links must be strings|write [\"12\", 2]",
        "[{\"op\":\"replace\",\"path\":\"/17/inputs/vae\",\"value\":[\"12\"]}]"
            + "|ERROR|17|vae|a link must be [\"<node id>\", <output index>]|null",
        "[{\"op\":\"replace\",\"path\":\"/17/inputs/vae\",\"value\":[\"17\",0]}]"
            + "|ERROR|17|vae|links to its own node|null",
        // literals: bounds (beyond a long), choices, kinds
        "[{\"op\":\"replace\",\"path\":\"/10/inputs/noise_seed\",\"value\":18446744073709551616}]"
            + "|ERROR|10|noise_seed|18446744073709551616 is above the maximum 18446744073709551615|use a value from 0 to 18446744073709551615",
        "[{\"op\":\"replace\",\"path\":\"/10/inputs/steps\",\"value\":0}]"
            + "|ERROR|10|steps|0 is below the minimum 1|use a value from 1 to 10000",
        "[{\"op\":\"replace\",\"path\":\"/10/inputs/cfg\",\"value\":100.5}]"
            + "|ERROR|10|cfg|100.5 is above the maximum 100|use a value from 0 to 100",
        "[{\"op\":\"replace\",\"path\":\"/10/inputs/sampler_name\",\"value\":\"dpmpp_2m_karas\"}]"
            + "|ERROR|10|sampler_name|\"dpmpp_2m_karas\" is not one of the 37 choices|did you mean 'dpmpp_2m'",
        "[{\"op\":\"replace\",\"path\":\"/4/inputs/ckpt_name\",\"value\":\"sdxl_base.safetensors\"}]"
            + "|ERROR|4|ckpt_name|\"sdxl_base.safetensors\" is not one of the 3 choices|null",
        "[{\"op\":\"replace\",\"path\":\"/10/inputs/steps\",\"value\":\"many\"}]"
            + "|ERROR|10|steps|expects a whole number (INT), got the string \"many\"|send a number without quotes",
        "[{\"op\":\"replace\",\"path\":\"/10/inputs/steps\",\"value\":\"30\"}]"
            + "|WARNING|10|steps|is the string \"30\"; ComfyUI converts it|send the number 30 without quotes",
        "[{\"op\":\"replace\",\"path\":\"/10/inputs/steps\",\"value\":12.5}]"
            + "|ERROR|10|steps|expects a whole number (INT), got 12.5|use 12",
        "[{\"op\":\"replace\",\"path\":\"/10/inputs/cfg\",\"value\":\"7\"}]"
            + "|WARNING|10|cfg|is the string \"7\"|send the number 7 without quotes",
        "[{\"op\":\"replace\",\"path\":\"/10/inputs/cfg\",\"value\":true}]"
            + "|ERROR|10|cfg|expects a number (FLOAT), got the boolean true|null",
        "[{\"op\":\"replace\",\"path\":\"/6/inputs/text\",\"value\":42}]"
            + "|WARNING|6|text|expects a STRING, got the number 42|send it in quotes",
        "[{\"op\":\"replace\",\"path\":\"/6/inputs/text\",\"value\":null}]"
            + "|ERROR|6|text|expects a STRING, got null|null",
        "[{\"op\":\"replace\",\"path\":\"/10/inputs/model\",\"value\":\"sd_xl_base_1.0.safetensors\"}]"
            + "|ERROR|10|model|takes a MODEL link|connect an output of type MODEL",
        "[{\"op\":\"replace\",\"path\":\"/10/inputs/add_noise\",\"value\":{\"a\":1}}]"
            + "|ERROR|10|add_noise|expects one of its choices, got an object|choices: enable, disable",
        // an input the node does not declare
        "[{\"op\":\"add\",\"path\":\"/10/inputs/sampler\",\"value\":\"euler\"}]"
            + "|WARNING|10|sampler|is not an input of KSamplerAdvanced; ComfyUI ignores it|did you mean 'sampler_name'?",
        // a hidden input set by hand
        "[{\"op\":\"add\",\"path\":\"/19/inputs/prompt\",\"value\":\"x\"}]"
            + "|WARNING|19|prompt|is a hidden input that ComfyUI fills in itself|remove it",
        // no output node
        "[{\"op\":\"remove\",\"path\":\"/19\"}]"
            + "|ERROR|null|null|the workflow has no output node|add a SaveImage or PreviewImage node",
      })
  void reportsEachKindOfProblem(
      String patchJson,
      Severity severity,
      String nodeId,
      String input,
      String message,
      String suggestion) {
    ValidationReport report = validateAfter(patchJson);

    assertThat(report.problems())
        .anySatisfy(
            p -> {
              assertThat(p.severity()).isEqualTo(severity);
              assertThat(p.nodeId()).isEqualTo("null".equals(nodeId) ? null : nodeId);
              assertThat(p.input()).isEqualTo("null".equals(input) ? null : input);
              assertThat(p.message()).contains(message);
              if (!"null".equals(suggestion)) {
                assertThat(p.suggestion()).contains(suggestion);
              }
            });
  }

  @Test
  void reportsABooleanGivenAsText() {
    var spec =
        new dev.comfyagent.runtime.discover.InputSpec(
            "tiled",
            dev.comfyagent.runtime.discover.InputSpec.Presence.OPTIONAL,
            "BOOLEAN",
            java.util.List.of(),
            null,
            null,
            null,
            WorkflowJson.mapper().createObjectNode());
    assertThat(
            LiteralCheck.check(spec, com.fasterxml.jackson.databind.node.TextNode.valueOf("false")))
        .hasValueSatisfying(f -> assertThat(f.message()).contains("expects true or false"));
    assertThat(LiteralCheck.check(spec, com.fasterxml.jackson.databind.node.BooleanNode.FALSE))
        .isEmpty();
  }

  @Test
  void acceptsAnyLiteralForWildcardInputs() {
    Workflow wf =
        WorkflowPatcher.apply(
                Fixtures.sdxl(),
                Fixtures.patch(
                    "[{\"op\":\"add\",\"path\":\"/30\",\"value\":{\"class_type\":\"PreviewAny\","
                        + "\"inputs\":{\"source\":[\"10\",0]}}},"
                        + "{\"op\":\"add\",\"path\":\"/31\",\"value\":{\"class_type\":\"PreviewAny\","
                        + "\"inputs\":{\"source\":{\"any\":\"thing\"}}}}]"))
            .result();
    assertThat(WorkflowValidator.validate(wf, Fixtures.catalog()).problems()).isEmpty();
  }

  @Test
  void reportsEachCycleOnce() {
    ValidationReport report =
        validateAfter(
            "[{\"op\":\"replace\",\"path\":\"/10/inputs/latent_image\",\"value\":[\"11\",0]}]");
    assertThat(report.problems())
        .filteredOn(p -> p.message().contains("dependency cycle"))
        .hasSize(1)
        .first()
        .satisfies(p -> assertThat(p.message()).contains("10").contains("11"));
  }

  @Test
  void checksOnlyStructureWithoutACatalogAndSaysSo() {
    Workflow wf =
        WorkflowPatcher.apply(
                Fixtures.sdxl(),
                Fixtures.patch(
                    "[{\"op\":\"replace\",\"path\":\"/10/inputs/steps\",\"value\":0},"
                        + "{\"op\":\"replace\",\"path\":\"/17/inputs/samples\",\"value\":[\"42\",0]}]"))
            .result();

    ValidationReport report = WorkflowValidator.validate(wf, Optional.empty());

    assertThat(report.catalogAvailable()).isFalse();
    assertThat(report.problems())
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("node 42, which does not exist"));
    assertThat(report.text()).contains("catalog was unavailable: only the graph structure");
    assertThat(report.toJson().get("catalog_available").asBoolean()).isFalse();
  }

  @Test
  void warnsInsteadOfFailingWhenAnUnknownNodeMightBeTheOutput() {
    ValidationReport report =
        validateAfter(
            "[{\"op\":\"replace\",\"path\":\"/19/class_type\",\"value\":\"VHS_VideoCombine\"}]");
    assertThat(report.problems())
        .anySatisfy(
            p -> {
              assertThat(p.severity()).isEqualTo(Severity.WARNING);
              assertThat(p.message()).contains("no known output node");
            });
  }

  @Test
  void describesProblemsOnOneLine() {
    ValidationReport report =
        validateAfter("[{\"op\":\"replace\",\"path\":\"/10/inputs/steps\",\"value\":0}]");
    assertThat(report.text())
        .contains(
            "- error: node 10 (KSamplerAdvanced) steps: 0 is below the minimum 1 — use a value"
                + " from 1 to 10000");
    assertThat(report.errorCount()).isEqualTo(1);
    assertThat(report.toJson().get("problems").get(0).get("input").asText()).isEqualTo("steps");
  }

  @Test
  void findsProblemsNewSinceAnEarlierReport() {
    ValidationReport before =
        validateAfter("[{\"op\":\"replace\",\"path\":\"/10/inputs/steps\",\"value\":0}]");
    ValidationReport after =
        validateAfter(
            "[{\"op\":\"replace\",\"path\":\"/10/inputs/steps\",\"value\":0},"
                + "{\"op\":\"replace\",\"path\":\"/11/inputs/steps\",\"value\":0}]");
    assertThat(after.newSince(before))
        .singleElement()
        .satisfies(p -> assertThat(p.nodeId()).isEqualTo("11"));
  }
}
