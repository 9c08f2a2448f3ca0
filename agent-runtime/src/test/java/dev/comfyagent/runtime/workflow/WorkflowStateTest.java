package dev.comfyagent.runtime.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.tool.ToolException;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WorkflowStateTest {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-25T10:15:30Z"), ZoneOffset.UTC);

  private final WorkflowState state = new WorkflowState(50, CLOCK);

  private static JsonPatch setSteps(int steps) {
    return Fixtures.patch(
        "[{\"op\":\"replace\",\"path\":\"/10/inputs/steps\",\"value\":" + steps + "}]");
  }

  @Test
  void requiresALoadedWorkflow() {
    assertThatThrownBy(state::requireCurrent)
        .isInstanceOf(ToolException.class)
        .hasMessageContaining("call load_workflow");
    assertThatThrownBy(() -> state.apply(setSteps(3), "p")).hasMessageContaining("load_workflow");
  }

  @Test
  void applyingAPatchPushesOneUndoEntry() {
    state.load(Fixtures.sdxl());
    WorkflowState.Change change =
        state.apply(
            Fixtures.patch(
                "[{\"op\":\"replace\",\"path\":\"/10/inputs/steps\",\"value\":30},"
                    + "{\"op\":\"replace\",\"path\":\"/11/inputs/steps\",\"value\":30}]"),
            "apply_workflow_patch");

    assertThat(state.undoHistory().depth()).isEqualTo(1);
    assertThat(change.undoDepth()).isEqualTo(1);
    assertThat(change.before()).isEqualTo(Fixtures.sdxl());
    assertThat(state.requireCurrent().input("11", "steps").orElseThrow().intValue()).isEqualTo(30);
  }

  @Test
  void failedPatchLeavesTheWorkflowAndUndoDepthUnchanged() {
    state.load(Fixtures.sdxl());
    state.apply(setSteps(30), "first");
    Workflow before = state.requireCurrent();
    ObjectNode beforeJson = before.apiJson();

    assertThatThrownBy(
            () ->
                state.apply(
                    Fixtures.patch(
                        "[{\"op\":\"replace\",\"path\":\"/10/inputs/cfg\",\"value\":5},"
                            + "{\"op\":\"remove\",\"path\":\"/19\"},"
                            + "{\"op\":\"replace\",\"path\":\"/12/inputs/nope\",\"value\":1}]"),
                    "second"))
        .isInstanceOf(PatchException.class)
        .hasMessageStartingWith("patch op 2 (replace /12/inputs/nope)");

    assertThat(state.requireCurrent()).isSameAs(before);
    assertThat(state.requireCurrent().apiJson()).isEqualTo(beforeJson);
    assertThat(state.undoHistory().depth()).isEqualTo(1);
  }

  @Test
  void testOnlyPatchesDoNotPushUndoEntries() {
    state.load(Fixtures.sdxl());
    state.apply(
        Fixtures.patch("[{\"op\":\"test\",\"path\":\"/10/inputs/steps\",\"value\":25}]"), "t");
    assertThat(state.undoHistory().depth()).isZero();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 5})
  void keepsAtMostTheUndoLimit(int limit) {
    WorkflowState bounded = new WorkflowState(limit, CLOCK);
    bounded.load(Fixtures.sdxl());
    for (int i = 1; i <= limit + 4; i++) {
      bounded.apply(setSteps(i), "step " + i);
      assertThat(bounded.undoHistory().depth()).isEqualTo(Math.min(i, limit));
    }
    assertThat(bounded.undoHistory().entries().get(0).label()).isEqualTo("step 5");
  }

  @Test
  void undoRevertsTheNewestChangesInOrder() {
    state.load(Fixtures.sdxl());
    state.apply(setSteps(30), "a");
    state.apply(setSteps(31), "b");
    state.apply(setSteps(32), "c");

    WorkflowState.Undone undone = state.undo(2);

    assertThat(undone.undone()).extracting(UndoHistory.Entry::label).containsExactly("c", "b");
    assertThat(state.requireCurrent().input("10", "steps").orElseThrow().intValue()).isEqualTo(30);
    assertThat(state.undoHistory().depth()).isEqualTo(1);
    state.undo(1);
    assertThat(state.requireCurrent()).isEqualTo(Fixtures.sdxl());
  }

  @Test
  void refusesToUndoMoreThanTheHistoryHoldsAndChangesNothing() {
    state.load(Fixtures.sdxl());
    state.apply(setSteps(30), "a");
    Workflow current = state.requireCurrent();

    assertThatThrownBy(() -> state.undo(2)).hasMessageContaining("only 1 can be undone");
    assertThat(state.requireCurrent()).isSameAs(current);
    assertThat(state.undoHistory().depth()).isEqualTo(1);
  }

  @Test
  void saysWhenThereIsNothingToUndo() {
    state.load(Fixtures.sdxl());
    assertThatThrownBy(() -> state.undo(1)).hasMessageContaining("nothing to undo");
    assertThatThrownBy(() -> state.undo(0)).hasMessageContaining("at least 1");
  }

  @Test
  void resetGoesBackToTheBaseAsAnUndoableStep() {
    state.load(Fixtures.sdxl());
    state.apply(setSteps(30), "a");
    state.apply(Fixtures.patch("[{\"op\":\"remove\",\"path\":\"/19\"}]"), "b");
    Workflow edited = state.requireCurrent();

    WorkflowState.Change reset = state.reset();

    assertThat(state.requireCurrent()).isEqualTo(Fixtures.sdxl());
    assertThat(reset.undoDepth()).isEqualTo(3);
    state.undo(1);
    assertThat(state.requireCurrent()).isEqualTo(edited);
  }

  @Test
  void resetWithoutChangesPushesNothing() {
    state.load(Fixtures.sdxl());
    assertThat(state.reset().patch().isEmpty()).isTrue();
    assertThat(state.undoHistory().depth()).isZero();
  }

  @Test
  void diffFromBaseListsTheChanges() {
    state.load(Fixtures.sdxl());
    state.apply(setSteps(30), "a");
    state.apply(Fixtures.patch("[{\"op\":\"remove\",\"path\":\"/19\"}]"), "b");

    assertThat(state.diffFromBase().toString())
        .isEqualTo(
            "[{\"op\":\"remove\",\"path\":\"/19\"},"
                + "{\"op\":\"replace\",\"path\":\"/10/inputs/steps\",\"value\":30}]");
  }

  @Test
  void loadingStartsAFreshHistory() {
    state.load(Fixtures.sdxl());
    state.apply(setSteps(30), "a");
    state.load(Fixtures.sdxl());
    assertThat(state.undoHistory().depth()).isZero();
    assertThat(state.diffFromBase().isEmpty()).isTrue();
  }

  @Test
  void previewChangesNothing() {
    state.load(Fixtures.sdxl());
    Workflow preview = state.preview(setSteps(99));
    assertThat(preview.input("10", "steps").orElseThrow().intValue()).isEqualTo(99);
    assertThat(state.requireCurrent()).isEqualTo(Fixtures.sdxl());
    assertThat(state.undoHistory().depth()).isZero();
  }

  @Test
  void snapshotRoundTripsCurrentBaseAndUndoHistory() {
    state.load(Fixtures.sdxl());
    state.apply(
        Fixtures.patch(
            "[{\"op\":\"replace\",\"path\":\"/10/inputs/noise_seed\",\"value\":18446744073709551615}]"),
        "set_input 10.noise_seed");
    state.apply(Fixtures.patch("[{\"op\":\"remove\",\"path\":\"/19\"}]"), "apply_workflow_patch");

    WorkflowState.Snapshot snapshot = state.snapshot();
    // Session files store snapshots as JSON text: go through text to prove it.
    String text = WorkflowJson.compact(snapshot.undo().get(0));
    WorkflowState.Snapshot reread =
        new WorkflowState.Snapshot(
            (ObjectNode) WorkflowJson.parse(WorkflowJson.compact(snapshot.current()), "c"),
            (ObjectNode) WorkflowJson.parse(WorkflowJson.compact(snapshot.base()), "b"),
            snapshot.undo().stream()
                .map(e -> (ObjectNode) WorkflowJson.parse(WorkflowJson.compact(e), "u"))
                .toList());
    WorkflowState restored = WorkflowState.restore(reread, 50);

    assertThat(text)
        .isEqualTo(
            "{\"label\":\"set_input 10.noise_seed\",\"at\":\"2026-11-25T10:15:30Z\","
                + "\"patch\":[{\"op\":\"replace\",\"path\":\"/10/inputs/noise_seed\",\"value\":18446744073709551615}],"
                + "\"inverse\":[{\"op\":\"replace\",\"path\":\"/10/inputs/noise_seed\",\"value\":721897303308196}]}");
    assertThat(restored.requireCurrent()).isEqualTo(state.requireCurrent());
    assertThat(restored.base()).contains(Fixtures.sdxl());
    assertThat(restored.undoHistory().entries()).isEqualTo(state.undoHistory().entries());
    assertThat(restored.requireCurrent().input("10", "noise_seed").orElseThrow().bigIntegerValue())
        .isEqualTo(new BigInteger("18446744073709551615"));
    restored.undo(2);
    assertThat(restored.requireCurrent()).isEqualTo(Fixtures.sdxl());
  }

  @Test
  void restoreKeepsTheNewestEntriesWithinTheLimit() {
    state.load(Fixtures.sdxl());
    for (int i = 1; i <= 5; i++) {
      state.apply(setSteps(i), "s" + i);
    }
    WorkflowState restored = WorkflowState.restore(state.snapshot(), 2);
    assertThat(restored.undoHistory().entries())
        .extracting(UndoHistory.Entry::label)
        .containsExactly("s4", "s5");
  }

  @Test
  void restoreOfAnEmptySnapshotHasNoWorkflow() {
    WorkflowState restored =
        WorkflowState.restore(new WorkflowState.Snapshot(null, null, List.of()), 50);
    assertThat(restored.current()).isEmpty();
    assertThat(new WorkflowState(50).snapshot().current()).isNull();
  }

  @Test
  void restoreRefusesMalformedUndoEntries() {
    ObjectNode bad = WorkflowJson.mapper().createObjectNode();
    bad.put("label", "x").put("at", "yesterday");
    assertThatThrownBy(
            () ->
                WorkflowState.restore(
                    new WorkflowState.Snapshot(
                        Fixtures.object(Fixtures.SDXL_API), null, List.of(bad)),
                    50))
        .isInstanceOf(WorkflowFormatException.class)
        .hasMessageContaining("undo history entry 0")
        .hasMessageContaining("ISO-8601");
  }
}
