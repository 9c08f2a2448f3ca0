package dev.comfyagent.runtime.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.IntNode;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class UndoHistoryTest {

  private static UndoHistory.Entry entry(String label) {
    return new UndoHistory.Entry(
        label,
        Instant.EPOCH,
        JsonPatch.of(List.of(PatchOperation.replace("/1/inputs/a", IntNode.valueOf(2)))),
        JsonPatch.of(List.of(PatchOperation.replace("/1/inputs/a", IntNode.valueOf(1)))));
  }

  @Test
  void dropsTheOldestEntryAtTheLimit() {
    UndoHistory history = new UndoHistory(2);
    history.push(entry("a"));
    history.push(entry("b"));
    history.push(entry("c"));
    assertThat(history.depth()).isEqualTo(2);
    assertThat(history.entries()).extracting(UndoHistory.Entry::label).containsExactly("b", "c");
    assertThat(history.peek()).contains(entry("c"));
    assertThat(history.pop()).contains(entry("c"));
    assertThat(history.depth()).isEqualTo(1);
    history.clear();
    assertThat(history.pop()).isEmpty();
  }

  @Test
  void refusesALimitBelowOne() {
    assertThatThrownBy(() -> new UndoHistory(0)).hasMessageContaining("at least 1");
    assertThat(new UndoHistory(UndoHistory.DEFAULT_LIMIT).limit()).isEqualTo(50);
  }

  @Test
  void entriesRoundTripThroughJson() {
    UndoHistory.Entry original = entry("set_input 1.a");
    assertThat(UndoHistory.Entry.fromJson(original.toJson())).isEqualTo(original);
  }

  @Test
  void refusesEntriesThatAreNotObjectsOrLackPatches() {
    assertThatThrownBy(() -> UndoHistory.Entry.fromJson(IntNode.valueOf(3)))
        .isInstanceOf(WorkflowFormatException.class);
    var json = entry("x").toJson();
    json.remove("inverse");
    assertThatThrownBy(() -> UndoHistory.Entry.fromJson(json))
        .isInstanceOf(WorkflowFormatException.class)
        .hasMessageContaining("undo entry");
  }
}
