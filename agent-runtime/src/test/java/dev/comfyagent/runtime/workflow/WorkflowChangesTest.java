package dev.comfyagent.runtime.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class WorkflowChangesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static Workflow api(String json) throws Exception {
    return Workflow.ofApi((ObjectNode) JSON.readTree(json));
  }

  private static final String BASE =
      "{\"3\": {\"class_type\": \"KSampler\", \"inputs\": {\"seed\": 42, \"steps\": 20}},"
          + " \"4\": {\"class_type\": \"CheckpointLoaderSimple\", \"inputs\": {}}}";

  @Test
  void describesAddedRemovedAndChangedInputsOfANamedNode() throws Exception {
    Workflow after =
        api(
            "{\"3\": {\"class_type\": \"KSampler\", \"inputs\": {\"seed\": 7, \"cfg\": 6.5}},"
                + " \"4\": {\"class_type\": \"CheckpointLoaderSimple\", \"inputs\": {}}}");

    assertThat(WorkflowChanges.describe(api(BASE), after))
        .containsExactlyInAnyOrder(
            "node 3 (KSampler) seed: 42 -> 7",
            "node 3 (KSampler) steps: removed (was 20)",
            "node 3 (KSampler) cfg: set to 6.5 (new)");
  }

  @Test
  void describesWholeNodesAddedAndRemoved() throws Exception {
    Workflow after =
        api(
            "{\"3\": {\"class_type\": \"KSampler\", \"inputs\": {\"seed\": 42, \"steps\": 20}},"
                + " \"9\": {\"class_type\": \"SaveImage\", \"inputs\": {}}}");

    assertThat(WorkflowChanges.describe(api(BASE), after))
        .containsExactlyInAnyOrder(
            "node 4 (CheckpointLoaderSimple) removed", "node 9 (SaveImage) added");
  }

  @Test
  void namesAPathBelowTheInputsByItsRestAndShortensLongValues() throws Exception {
    String longText = "x".repeat(200);
    Workflow before =
        api(
            "{\"6\": {\"class_type\": \"CLIPTextEncode\", \"_meta\": {\"title\": \"a\"},"
                + " \"inputs\": {\"text\": \"short\"}}}");
    Workflow after =
        api(
            "{\"6\": {\"class_type\": \"CLIPTextEncode\", \"_meta\": {\"title\": \"b\"},"
                + " \"inputs\": {\"text\": \""
                + longText
                + "\"}}}");

    assertThat(WorkflowChanges.describe(before, after))
        .containsExactlyInAnyOrder(
            "node 6 (CLIPTextEncode) _meta/title: \"a\" -> \"b\"",
            "node 6 (CLIPTextEncode) text: \"short\" -> \"" + "x".repeat(116) + "...");
  }

  @Test
  void writesEachChangeAsJsonWithItsNodeInputAndBothValues() throws Exception {
    Workflow after =
        api(
            "{\"3\": {\"class_type\": \"KSampler\", \"inputs\": {\"seed\": 7}},"
                + " \"4\": {\"class_type\": \"CheckpointLoaderSimple\", \"inputs\": {}}}");

    ArrayNode changes = WorkflowChanges.toJson(api(BASE), after);

    assertThat(changes).hasSize(2);
    JsonNode seed = find(changes, "/3/inputs/seed");
    assertThat(seed.path("op").asText()).isEqualTo("replace");
    assertThat(seed.path("node_id").asText()).isEqualTo("3");
    assertThat(seed.path("input").asText()).isEqualTo("seed");
    assertThat(seed.path("before").asInt()).isEqualTo(42);
    assertThat(seed.path("after").asInt()).isEqualTo(7);
    JsonNode steps = find(changes, "/3/inputs/steps");
    assertThat(steps.path("op").asText()).isEqualTo("remove");
    assertThat(steps.path("before").asInt()).isEqualTo(20);
    assertThat(steps.has("after")).isFalse();
  }

  private static JsonNode find(ArrayNode changes, String path) {
    for (JsonNode change : changes) {
      if (change.path("path").asText().equals(path)) {
        return change;
      }
    }
    throw new AssertionError("no change at " + path + " in " + changes);
  }
}
