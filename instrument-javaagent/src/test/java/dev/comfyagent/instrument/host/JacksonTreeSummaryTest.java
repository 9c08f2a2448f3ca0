package dev.comfyagent.instrument.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.instrument.record.InputSummary;
import dev.comfyagent.instrument.record.SummaryText;
import dev.comfyagent.instrument.record.TreeReader;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class JacksonTreeSummaryTest {

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

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
  void theValueIsRedactedWhateverTheOrderOfItsSecretInputOrPath() throws Exception {
    ObjectNode valueFirst =
        (ObjectNode) mapper.readTree("{\"value\":\"s\",\"node_id\":\"4\",\"input\":\"api_key\"}");
    ObjectNode pathLast =
        (ObjectNode) mapper.readTree("{\"value\":\"s\",\"path\":\"/3/inputs/password\"}");

    assertThat(summary.ofArguments(valueFirst))
        .isEqualTo("value=[redacted], node_id=4, input=api_key");
    assertThat(summary.ofArguments(pathLast))
        .isEqualTo("value=[redacted], path=/3/inputs/password");
  }

  @Test
  void wholeNumbersAreWrittenAsJacksonWritesThem() throws Exception {
    ObjectNode numbers =
        (ObjectNode)
            mapper.readTree(
                """
                {"int":-42,"long":1125899906842597,"min":-9223372036854775808,
                 "max":9223372036854775807,"big":92233720368547758070,"zero":0,"real":-0.5}
                """);
    numbers.put("short", (short) -7);

    StringBuilder expected = new StringBuilder();
    numbers
        .properties()
        .forEach(
            e ->
                expected
                    .append(expected.isEmpty() ? "" : ", ")
                    .append(e.getKey())
                    .append('=')
                    .append(e.getValue().asText()));
    assertThat(summary.ofArguments(numbers)).isEqualTo(expected.toString());
    assertThat(trees.isLong(numbers.get("long"))).isTrue();
    assertThat(trees.isLong(numbers.get("short"))).isTrue();
    assertThat(trees.isLong(numbers.get("big"))).as("a BigInteger does not fit").isFalse();
    assertThat(trees.isLong(numbers.get("real"))).isFalse();
  }

  @Test
  void aFieldIsReadByNameAndAMissingOneIsNull() throws Exception {
    ObjectNode node = (ObjectNode) mapper.readTree("{\"a\":1,\"b\":{\"c\":\"d\"}}");

    assertThat(trees.field(node, "b")).isEqualTo(node.get("b"));
    assertThat(trees.field(node, "z")).isNull();
    assertThat(trees.field(mapper.readTree("[1]"), "a")).isNull();
  }

  @Test
  void summarizingAToolsArgumentsMakesNoObjectNotEvenAnIteratorOrTheirNumbersText()
      throws Exception {
    ObjectNode arguments =
        (ObjectNode)
            mapper.readTree("{\"node_id\":\"3\",\"input\":\"seed\",\"value\":1125899906842597}");
    SummaryText out = new SummaryText(200);
    for (int i = 0; i < 20_000; i++) {
      summary.renderArguments(arguments, out);
    }
    long before = THREADS.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 10_000; i++) {
      summary.renderArguments(arguments, out);
    }
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;

    assertThat(out.text()).isEqualTo("node_id=3, input=seed, value=1125899906842597");
    // The fields are walked without an iterator (ObjectNode#forEachEntry), the numbers' digits
    // written without their text: rendering makes nothing.
    assertThat(allocated / 10_000).as("bytes per summary").isZero();
  }

  @Test
  void anObjectWithMoreFieldsThanTheBoundIsRenderedAsOneWithinIt() throws Exception {
    InputSummary small = new InputSummary(12, trees);
    ObjectNode few = (ObjectNode) mapper.readTree("{\"a\":1,\"b\":{\"c\":2},\"d\":3}");
    ObjectNode many = mapper.createObjectNode();
    many.put("a", 1).set("b", mapper.createObjectNode().put("c", 2));
    many.put("d", 3);
    for (int i = 0; i < 20; i++) {
      many.put("f" + i, i);
    }

    // 3 fields are walked by forEachEntry; 23, more than the bound of 12 characters, by an
    // iterator that stops at the cut: the same text either way
    assertThat(small.ofArguments(few)).isEqualTo("a=1, b={c=2…");
    assertThat(small.ofArguments(many)).isEqualTo("a=1, b={c=2…");
    assertThat(summary.ofArguments(few)).isEqualTo("a=1, b={c=2}, d=3");
    assertThat(summary.ofArguments(many))
        .startsWith("a=1, b={c=2}, d=3, f0=0, f1=1")
        .endsWith("f19=19");
  }

  @Test
  void anObjectsFieldsAreHandedOverWithoutAnIteratorOnlyUpToTheBound() throws Exception {
    ObjectNode node = (ObjectNode) mapper.readTree("{\"a\":1,\"b\":2}");
    List<String> seen = new java.util.ArrayList<>();

    assertThat(trees.forEachField(node, 2, (name, value) -> seen.add(name))).isTrue();
    assertThat(seen).containsExactly("a", "b");
    assertThat(trees.forEachField(node, 1, (name, value) -> seen.add(name))).isFalse();
    assertThat(seen).containsExactly("a", "b");
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
