package dev.comfyagent.runtime.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WorkflowDiffTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "[{\"op\":\"replace\",\"path\":\"/10/inputs/steps\",\"value\":40}]",
        "[{\"op\":\"remove\",\"path\":\"/19\"},{\"op\":\"add\",\"path\":\"/20\",\"value\":{\"class_type\":\"PreviewImage\",\"inputs\":{\"images\":[\"17\",0]}}}]",
        "[{\"op\":\"replace\",\"path\":\"/17/inputs/vae\",\"value\":[\"4\",2]}]",
        "[{\"op\":\"remove\",\"path\":\"/6/_meta\"},{\"op\":\"add\",\"path\":\"/6/inputs/a~1b\",\"value\":1}]",
      })
  void diffTurnsTheBaseIntoTheTarget(String patchJson) {
    Workflow base = Fixtures.sdxl();
    Workflow target = WorkflowPatcher.apply(base, Fixtures.patch(patchJson)).result();

    JsonPatch diff = WorkflowDiff.between(base, target);

    assertThat(WorkflowPatcher.apply(base, diff).result()).isEqualTo(target);
  }

  @org.junit.jupiter.api.Test
  void identicalWorkflowsHaveNoDiff() {
    assertThat(WorkflowDiff.between(Fixtures.sdxl(), Fixtures.sdxl()).isEmpty()).isTrue();
  }

  @org.junit.jupiter.api.Test
  void replacesAReWiredLinkAsAWhole() {
    Workflow base = Fixtures.sdxl();
    Workflow target =
        WorkflowPatcher.apply(
                base,
                Fixtures.patch(
                    "[{\"op\":\"replace\",\"path\":\"/17/inputs/vae\",\"value\":[\"4\",2]}]"))
            .result();
    assertThat(WorkflowDiff.between(base, target).toString())
        .isEqualTo("[{\"op\":\"replace\",\"path\":\"/17/inputs/vae\",\"value\":[\"4\",2]}]");
    assertThat(WorkflowChanges.describe(base, target))
        .containsExactly("node 17 (VAEDecode) vae: [\"12\",2] -> [\"4\",2]");
  }
}
