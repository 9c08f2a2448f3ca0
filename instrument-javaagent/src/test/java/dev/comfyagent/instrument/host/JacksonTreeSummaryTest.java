package dev.comfyagent.instrument.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.instrument.record.InputSummary;
import dev.comfyagent.instrument.record.TreeReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class JacksonTreeSummaryTest {

  private final ObjectMapper mapper = new ObjectMapper();
  private final TreeReader trees = new MethodHandleHostReader().treeReader();
  private final InputSummary summary = new InputSummary(300, trees);

  @Test
  void aToolsObjectNodeArgumentsAreRenderedByNameWithNestedNodesAndSecretsRedacted()
      throws Exception {
    ObjectNode arguments =
        (ObjectNode)
            mapper.readTree(
                """
                {"node_id":"3","seed":1125899906842597,"cfg":7.5,"dry_run":false,"none":null,
                 "ids":[1,"two",[3]],"meta":{"api_key":"hunter2","name":"x"},"apiToken":"t0p"}
                """);
    assertThat(summary.ofArguments(arguments))
        .isEqualTo(
            "node_id=3, seed=1125899906842597, cfg=7.5, dry_run=false, none=null,"
                + " ids=[1, two, [3]], meta={api_key=[redacted], name=x}, apiToken=[redacted]");
  }

  @Test
  void theValueSetIntoASecretInputOfAnObjectNodeIsRedacted() throws Exception {
    ObjectNode setInput =
        (ObjectNode) mapper.readTree("{\"node_id\":\"4\",\"input\":\"api_key\",\"value\":\"s\"}");
    ObjectNode patchOp =
        (ObjectNode)
            mapper.readTree("{\"op\":\"replace\",\"path\":\"/12/inputs/Token\",\"value\":\"s\"}");
    assertThat(summary.ofArguments(setInput))
        .isEqualTo("node_id=4, input=api_key, value=[redacted]");
    assertThat(summary.ofArguments(patchOp))
        .isEqualTo("op=replace, path=/12/inputs/Token, value=[redacted]");
  }

  @Test
  void kindTellsObjectsArraysValuesAndForeignObjectsApart() throws Exception {
    assertThat(trees.kind(mapper.readTree("{}"))).isEqualTo(TreeReader.OBJECT);
    assertThat(trees.kind(mapper.readTree("[]"))).isEqualTo(TreeReader.ARRAY);
    assertThat(trees.kind(mapper.readTree("\"s\""))).isEqualTo(TreeReader.SCALAR);
    assertThat(trees.kind(mapper.readTree("null"))).isEqualTo(TreeReader.SCALAR);
    assertThat(trees.kind(List.of(1))).isEqualTo(TreeReader.NOT_A_NODE);
    assertThat(trees.kind(null)).isEqualTo(TreeReader.NOT_A_NODE);
  }
}
