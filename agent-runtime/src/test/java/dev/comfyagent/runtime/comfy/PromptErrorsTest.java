package dev.comfyagent.runtime.comfy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PromptErrorsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "Value 0 smaller than min of 1|steps|steps|steps: Value 0 smaller than min of 1",
        "Value not in list|ckpt_name: 'x' not in ['a']|ckpt_name|ckpt_name: Value not in list ('x' not in ['a'])",
        "Required input is missing|model|model|model: Required input is missing",
        "Exception when validating node|'42'||Exception when validating node: '42'"
      })
  void describesOneErrorWithoutRepeatingTheInputName(
      String message, String details, String input, String expected) throws Exception {
    String extra = input == null ? "{}" : "{\"input_name\": \"" + input + "\"}";
    JsonNode error =
        JSON.readTree(
            "{\"message\": "
                + JSON.writeValueAsString(message)
                + ", \"details\": "
                + JSON.writeValueAsString(details)
                + ", \"extra_info\": "
                + extra
                + "}");

    assertThat(PromptErrors.describeOne(error)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "prompt_no_outputs|Prompt has no outputs|Add an output node",
        "missing_node_type|Node 'Foo' not found. The custom node may not be installed.|find_missing_nodes"
      })
  void addsAHintToTopLevelRefusals(String type, String message, String hint) throws Exception {
    JsonNode error =
        JSON.readTree(
            "{\"type\": \""
                + type
                + "\", \"message\": "
                + JSON.writeValueAsString(message)
                + ", \"details\": \"\"}");

    String text = PromptErrors.describe(error, JSON.createObjectNode());

    assertThat(text).startsWith("ComfyUI refused the workflow: " + message).contains(hint);
  }

  @Test
  void anUnknownNodeClassPointsToFindMissingNodesNotToTheApiFormat() throws Exception {
    // What ComfyUI's validate_prompt answers for a class it does not have (before 2025).
    JsonNode error =
        JSON.readTree(
            "{\"type\": \"invalid_prompt\", \"message\": \"Cannot execute because node"
                + " FaceDetailer does not exist.\", \"details\": \"Node ID '#12'\","
                + " \"extra_info\": {}}");

    String text = PromptErrors.describe(error, JSON.createObjectNode());

    assertThat(text)
        .contains("The node type FaceDetailer is not installed in this ComfyUI")
        .contains("find_missing_nodes")
        .doesNotContain("API format");
    assertThat(PromptErrors.missingNodeType(error)).contains("FaceDetailer");
  }

  @Test
  void aNodeWithoutClassTypeStillMeansTheWorkflowIsNotInApiFormat() throws Exception {
    JsonNode error =
        JSON.readTree(
            "{\"type\": \"invalid_prompt\", \"message\": \"Cannot execute because a node is"
                + " missing the class_type property.\", \"details\": \"Node ID '#3'\"}");

    assertThat(PromptErrors.describe(error, JSON.createObjectNode()))
        .contains("not in API format")
        .doesNotContain("find_missing_nodes");
    assertThat(PromptErrors.missingNodeType(error)).isEmpty();
  }

  @Test
  void theNewerMissingNodeTypeErrorNamesTheClassFromExtraInfo() throws Exception {
    JsonNode error =
        JSON.readTree(
            "{\"type\": \"missing_node_type\", \"message\": \"Node 'Face fix' not found. The"
                + " custom node may not be installed.\", \"details\": \"Node ID '#12'\","
                + " \"extra_info\": {\"node_id\": \"12\", \"class_type\": \"FaceDetailer\","
                + " \"node_title\": \"Face fix\"}}");

    assertThat(PromptErrors.missingNodeType(error)).contains("FaceDetailer");
    assertThat(PromptErrors.describe(error, JSON.createObjectNode()))
        .contains("The node type FaceDetailer is not installed");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {"null", "\"no prompt\""})
  void copesWithOldStyleErrors(String error) throws Exception {
    assertThat(PromptErrors.describe(JSON.readTree(error), JSON.readTree("[]")))
        .startsWith("ComfyUI refused the workflow: ");
  }
}
