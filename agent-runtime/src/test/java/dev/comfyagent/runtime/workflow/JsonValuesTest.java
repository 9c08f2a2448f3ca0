package dev.comfyagent.runtime.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class JsonValuesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  @Test
  void numbersDeepInsideObjectsAndArraysCompareByValue() throws Exception {
    assertThat(
            JsonValues.same(
                json("{\"3\":{\"inputs\":{\"cfg\":7.5,\"steps\":30,\"m\":[\"4\",0]}}}"),
                json("{\"3\":{\"inputs\":{\"steps\":30.0,\"cfg\":7.50,\"m\":[\"4\",0.0]}}}")))
        .isTrue();
  }

  @Test
  void anyDifferenceAtAnyDepthMakesThemDifferent() throws Exception {
    JsonNode base = json("{\"a\":{\"b\":[1,{\"c\":\"x\"}],\"n\":null}}");
    assertThat(JsonValues.same(base, json("{\"a\":{\"b\":[1,{\"c\":\"y\"}],\"n\":null}}")))
        .as("a text deep inside")
        .isFalse();
    assertThat(JsonValues.same(base, json("{\"a\":{\"b\":[{\"c\":\"x\"},1],\"n\":null}}")))
        .as("array order")
        .isFalse();
    assertThat(JsonValues.same(base, json("{\"a\":{\"b\":[1,{\"c\":\"x\"}],\"m\":null}}")))
        .as("same size, another key")
        .isFalse();
    assertThat(JsonValues.same(base, json("{\"a\":{\"b\":[1,{\"c\":\"x\"}]}}")))
        .as("an explicit null is not a missing key")
        .isFalse();
    assertThat(JsonValues.same(json("{\"b\":[1]}"), json("{\"b\":{\"0\":1}}")))
        .as("an array is not an object")
        .isFalse();
    assertThat(JsonValues.same(json("[7.5]"), json("[\"7.5\"]")))
        .as("a number is not its text")
        .isFalse();
  }

  @Test
  void aCopyThatSharesUnchangedSubtreesComparesByTheChangedPath() throws Exception {
    ObjectNode original =
        (ObjectNode) json("{\"1\":{\"inputs\":{\"seed\":1}},\"2\":{\"x\":[1,2]}}");
    ObjectNode copy = original.deepCopy();
    copy.set("2", original.get("2")); // shared by identity, as a patch's copy-on-write shares it
    assertThat(JsonValues.same(original, copy)).isTrue();
    ((ObjectNode) copy.get("1").get("inputs")).put("seed", 2);
    assertThat(JsonValues.same(original, copy)).isFalse();
  }
}
