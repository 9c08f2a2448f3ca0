package dev.comfyagent.runtime.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonPatchTest {

  @Test
  void parsesAllSixOperations() {
    JsonPatch patch =
        Fixtures.patch(
            "[{\"op\":\"add\",\"path\":\"/a\",\"value\":1},{\"op\":\"remove\",\"path\":\"/a\"},"
                + "{\"op\":\"replace\",\"path\":\"/b\",\"value\":null},{\"op\":\"move\",\"from\":\"/b\",\"path\":\"/c\"},"
                + "{\"op\":\"copy\",\"from\":\"/c\",\"path\":\"/d\"},{\"op\":\"test\",\"path\":\"/d\",\"value\":null}]");

    assertThat(patch.operations())
        .extracting(PatchOperation::op)
        .containsExactly(PatchOperation.Op.values());
    assertThat(patch.operations().get(2).value().isNull()).isTrue();
  }

  @Test
  void acceptsThePatchAsAJsonString() {
    JsonPatch patch = JsonPatch.parse(new TextNode("[{\"op\":\"remove\",\"path\":\"/3\"}]"));
    assertThat(patch.operations()).containsExactly(PatchOperation.remove("/3"));
  }

  @Test
  void writesBackTheSameJson() {
    String json =
        "[{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/b\"},{\"op\":\"add\",\"path\":\"/c\",\"value\":{\"x\":1.0}}]";
    assertThat(Fixtures.patch(json).toString()).isEqualTo(json);
    assertThat(Fixtures.patch(json)).isEqualTo(Fixtures.patch(json));
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"op\":\"remove\",\"path\":\"/3\"}|wrap the single operation in [ ]",
        "42|must be an array of operations",
        "[{\"path\":\"/3\"}]|patch op 0: 'op' is required",
        "[{\"op\":\"remove\",\"path\":\"/3\"},{\"op\":\"delete\",\"path\":\"/3\"}]|patch op 1: unknown op 'delete'",
        "[{\"op\":\"remove\"}]|patch op 0 (remove): 'path' is required",
        "[{\"op\":\"remove\",\"path\":\"3/inputs\"}]|patch op 0 (remove): '3/inputs' is not a JSON Pointer",
        "[{\"op\":\"remove\",\"path\":\"/a~2\"}]|'~' must be followed by 0 or 1",
        "[{\"op\":\"add\",\"path\":\"/3\"}]|patch op 0 (add /3): 'value' is required",
        "[{\"op\":\"move\",\"path\":\"/3\"}]|patch op 0 (move /3): 'from' is required",
        "[7]|patch op 0: an operation must be an object",
      })
  void refusesMalformedPatches(String json, String message) {
    assertThatThrownBy(() -> Fixtures.patch(json))
        .isInstanceOf(PatchException.class)
        .hasMessageContaining(message);
  }

  @Test
  void refusesAMalformedPatchString() {
    assertThatThrownBy(() -> JsonPatch.parse(new TextNode("[{\"op\": ")))
        .isInstanceOf(PatchException.class)
        .hasMessageContaining("malformed JSON in the patch string at line 1");
  }

  @Test
  void splitsAndEscapesPointers() {
    assertThat(PatchOperation.tokens("/a~1b/~0c/")).containsExactly("a/b", "~c", "");
    assertThat(PatchOperation.tokens("")).isEmpty();
    assertThat(PatchOperation.pointer("a/b", "~c")).isEqualTo("/a~1b/~0c");
  }

  @Test
  void knowsWhetherItChangesAnything() {
    assertThat(
            JsonPatch.of(List.of(PatchOperation.test("/a", TextNode.valueOf("x"))))
                .changesSomething())
        .isFalse();
    assertThat(JsonPatch.of(List.of(PatchOperation.remove("/a"))).changesSomething()).isTrue();
    assertThat(JsonPatch.empty().isEmpty()).isTrue();
  }
}
