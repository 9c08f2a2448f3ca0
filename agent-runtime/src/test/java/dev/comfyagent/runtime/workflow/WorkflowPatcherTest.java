package dev.comfyagent.runtime.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class WorkflowPatcherTest {

  private final Workflow sdxl = Fixtures.sdxl();
  private final ObjectNode untouched = sdxl.apiJson();

  @Test
  void replacesOneInput() {
    Workflow next =
        WorkflowPatcher.apply(
                sdxl,
                Fixtures.patch("[{\"op\":\"replace\",\"path\":\"/10/inputs/steps\",\"value\":40}]"))
            .result();

    assertThat(next.input("10", "steps").orElseThrow().intValue()).isEqualTo(40);
    assertThat(sdxl.apiJson()).isEqualTo(untouched);
  }

  @Test
  void sharesUnchangedNodesWithThePreviousVersion() {
    Workflow next =
        WorkflowPatcher.apply(
                sdxl,
                Fixtures.patch("[{\"op\":\"replace\",\"path\":\"/10/inputs/steps\",\"value\":40}]"))
            .result();

    assertThat(next.tree().get("4")).isSameAs(sdxl.tree().get("4"));
    assertThat(next.tree().get("10")).isNotSameAs(sdxl.tree().get("10"));
    assertThat(next.tree().get("10").get("_meta")).isSameAs(sdxl.tree().get("10").get("_meta"));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "[{\"op\":\"replace\",\"path\":\"/11/inputs/noise_seed\",\"value\":18446744073709551614}]",
        "[{\"op\":\"add\",\"path\":\"/20\",\"value\":{\"class_type\":\"PreviewImage\",\"inputs\":{\"images\":[\"17\",0]}}}]",
        "[{\"op\":\"remove\",\"path\":\"/19\"},{\"op\":\"remove\",\"path\":\"/17/inputs/vae\"}]",
        "[{\"op\":\"add\",\"path\":\"/5/inputs/width\",\"value\":896}]",
        "[{\"op\":\"move\",\"from\":\"/6/inputs/text\",\"path\":\"/7/inputs/text\"},{\"op\":\"add\",\"path\":\"/6/inputs/text\",\"value\":\"x\"}]",
        "[{\"op\":\"copy\",\"from\":\"/6\",\"path\":\"/30\"},{\"op\":\"replace\",\"path\":\"/30/inputs/text\",\"value\":\"y\"}]",
        "[{\"op\":\"replace\",\"path\":\"/10/inputs/model/0\",\"value\":\"12\"}]",
        "[{\"op\":\"add\",\"path\":\"/10/inputs/model/1\",\"value\":5},{\"op\":\"remove\",\"path\":\"/10/inputs/model/2\"}]",
        "[{\"op\":\"add\",\"path\":\"/10/_meta/tags\",\"value\":[]},{\"op\":\"add\",\"path\":\"/10/_meta/tags/-\",\"value\":\"a\"},{\"op\":\"add\",\"path\":\"/10/_meta/tags/0\",\"value\":\"b\"}]",
        "[{\"op\":\"move\",\"from\":\"/10/inputs/model/0\",\"path\":\"/10/inputs/model/1\"}]",
        "[{\"op\":\"replace\",\"path\":\"\",\"value\":{\"1\":{\"class_type\":\"PreviewAny\",\"inputs\":{}}}}]",
        "[{\"op\":\"test\",\"path\":\"/10/inputs/steps\",\"value\":25.0},{\"op\":\"replace\",\"path\":\"/10/inputs/steps\",\"value\":30}]",
      })
  void inverseRestoresTheOriginal(String patchJson) {
    WorkflowPatcher.Result result = WorkflowPatcher.apply(sdxl, Fixtures.patch(patchJson));

    assertThat(result.result()).isNotEqualTo(sdxl);
    Workflow back = WorkflowPatcher.apply(result.result(), result.inverse()).result();
    assertThat(back).isEqualTo(sdxl);
    assertThat(sdxl.apiJson()).isEqualTo(untouched);
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "[{\"op\":\"replace\",\"path\":\"/12/inputs/ckpt_name\",\"value\":\"a\"},{\"op\":\"replace\",\"path\":\"/99/inputs/seed\",\"value\":1}]"
            + "|patch op 1 (replace /99/inputs/seed): node 99 does not exist (the workflow has nodes 4, 12, 6, 7, 15, 16, 5, 10, 11, 17, 19)",
        "[{\"op\":\"replace\",\"path\":\"/10/inputs/sead\",\"value\":1}]"
            + "|patch op 0 (replace /10/inputs/sead): node 10 (KSamplerAdvanced) has no input 'sead'",
        "[{\"op\":\"remove\",\"path\":\"/10/inputs/nothing\"}]"
            + "|patch op 0 (remove /10/inputs/nothing): node 10 (KSamplerAdvanced) has no input 'nothing'",
        "[{\"op\":\"replace\",\"path\":\"/10/input/steps\",\"value\":1}]"
            + "|patch op 0 (replace /10/input/steps): node 10 (KSamplerAdvanced) has no member 'input'",
        "[{\"op\":\"test\",\"path\":\"/10/inputs/steps\",\"value\":26}]"
            + "|patch op 0 (test /10/inputs/steps): test failed: the value is 25, not 26",
        "[{\"op\":\"add\",\"path\":\"/10/inputs/model/3\",\"value\":1}]"
            + "|patch op 0 (add /10/inputs/model/3): index 3 is out of range at /10/inputs/model (the array has 2 elements)",
        "[{\"op\":\"replace\",\"path\":\"/10/inputs/model/x\",\"value\":1}]"
            + "|patch op 0 (replace /10/inputs/model/x): 'x' is not an array index at /10/inputs/model",
        "[{\"op\":\"replace\",\"path\":\"/10/inputs/steps/deeper\",\"value\":1}]"
            + "|patch op 0 (replace /10/inputs/steps/deeper): /10/inputs/steps is 25, not an object or array",
        "[{\"op\":\"remove\",\"path\":\"\"}]"
            + "|patch op 0 (remove ): the whole workflow cannot be removed",
        "[{\"op\":\"remove\",\"path\":\"/10/class_type\"}]"
            + "|patch op 0 (remove /10/class_type): node 10 would be left broken: it has no class_type",
        "[{\"op\":\"replace\",\"path\":\"/10/inputs\",\"value\":[1]}]"
            + "|patch op 0 (replace /10/inputs): node 10 would be left broken: it has inputs that are not an object",
        "[{\"op\":\"add\",\"path\":\"/40\",\"value\":3}]"
            + "|patch op 0 (add /40): node 40 would be left broken: it is not an object",
        "[{\"op\":\"move\",\"from\":\"/10\",\"path\":\"/10/inputs/x\"}]"
            + "|patch op 0 (move /10 -> /10/inputs/x): a value cannot be moved into itself",
        "[{\"op\":\"copy\",\"from\":\"/77\",\"path\":\"/78\"}]"
            + "|patch op 0 (copy /77 -> /78): node 77 does not exist",
        "[{\"op\":\"replace\",\"path\":\"\",\"value\":[]}]"
            + "|patch op 0 (replace ): the workflow must stay an object of nodes",
        "[{\"op\":\"replace\",\"path\":\"\",\"value\":{\"1\":{\"inputs\":{}}}}]"
            + "|patch op 0 (replace ): node 1 has no class_type",
      })
  void failsNamingTheOperationAndLeavesTheWorkflowUnchanged(String patchJson, String message) {
    assertThatThrownBy(() -> WorkflowPatcher.apply(sdxl, Fixtures.patch(patchJson)))
        .isInstanceOf(PatchException.class)
        .hasMessageStartingWith(message);
    assertThat(sdxl.apiJson()).isEqualTo(untouched);
  }

  @Test
  void suggestsTheClosestInputName() {
    assertThatThrownBy(
            () ->
                WorkflowPatcher.apply(
                    sdxl,
                    Fixtures.patch(
                        "[{\"op\":\"replace\",\"path\":\"/10/inputs/noise_sed\",\"value\":1}]")))
        .hasMessageEndingWith("did you mean 'noise_seed'?");
  }

  @Test
  void reportsTheOperationIndex() {
    PatchException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            PatchException.class,
            () ->
                WorkflowPatcher.apply(
                    sdxl,
                    Fixtures.patch(
                        "[{\"op\":\"test\",\"path\":\"/4\",\"value\":0},{\"op\":\"remove\",\"path\":\"/4\"}]")));
    assertThat(e.operationIndex()).isZero();
  }

  @Test
  void unescapesPointerTokens() {
    Workflow next =
        WorkflowPatcher.apply(
                sdxl,
                Fixtures.patch("[{\"op\":\"add\",\"path\":\"/10/_meta/a~1b~0c\",\"value\":1}]"))
            .result();
    assertThat(next.tree().get("10").get("_meta").has("a/b~c")).isTrue();
  }

  @Test
  void keepsBigNumbersExactThroughAPatch() {
    Workflow next =
        WorkflowPatcher.apply(
                sdxl,
                Fixtures.patch(
                    "[{\"op\":\"replace\",\"path\":\"/10/inputs/noise_seed\",\"value\":18446744073709551615}]"))
            .result();
    assertThat(next.input("10", "noise_seed").orElseThrow().bigIntegerValue())
        .isEqualTo(new BigInteger("18446744073709551615"));
    assertThat(next.toPrettyJson()).contains("\"noise_seed\" : 18446744073709551615");
  }

  @Test
  void testsOnlyReturnTheSameWorkflow() {
    WorkflowPatcher.Result result =
        WorkflowPatcher.apply(
            sdxl, Fixtures.patch("[{\"op\":\"test\",\"path\":\"/10/inputs/cfg\",\"value\":7.50}]"));
    assertThat(result.result()).isSameAs(sdxl);
    assertThat(result.inverse().isEmpty()).isTrue();
  }

  @Test
  void writesThatCancelOutReturnTheSameWorkflow() {
    WorkflowPatcher.Result addAndRemove =
        WorkflowPatcher.apply(
            sdxl,
            Fixtures.patch(
                "[{\"op\":\"add\",\"path\":\"/10/inputs/extra\",\"value\":1},"
                    + "{\"op\":\"remove\",\"path\":\"/10/inputs/extra\"}]"));
    WorkflowPatcher.Result thereAndBack =
        WorkflowPatcher.apply(
            sdxl,
            Fixtures.patch(
                "[{\"op\":\"replace\",\"path\":\"/10/inputs/cfg\",\"value\":3},"
                    + "{\"op\":\"replace\",\"path\":\"/10/inputs/cfg\",\"value\":7.5}]"));

    assertThat(addAndRemove.result()).isSameAs(sdxl);
    assertThat(thereAndBack.result()).isSameAs(sdxl);
  }

  @Test
  void copiesTheRootOnlyOnceForManyOperations() {
    StringBuilder ops = new StringBuilder("[");
    for (int i = 0; i < 20; i++) {
      ops.append(i == 0 ? "" : ",")
          .append("{\"op\":\"replace\",\"path\":\"/10/inputs/steps\",\"value\":")
          .append(i + 1)
          .append('}');
    }
    Workflow next = WorkflowPatcher.apply(sdxl, Fixtures.patch(ops + "]")).result();
    assertThat(next.input("10", "steps").orElseThrow().intValue()).isEqualTo(20);
    assertThat(
            WorkflowPatcher.apply(
                    next, WorkflowPatcher.apply(sdxl, Fixtures.patch(ops + "]")).inverse())
                .result())
        .isEqualTo(sdxl);
  }
}
