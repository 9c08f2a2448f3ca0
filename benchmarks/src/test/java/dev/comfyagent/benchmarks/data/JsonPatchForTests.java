package dev.comfyagent.benchmarks.data;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Applies the RFC 6902 operations the generated patches use (test, add, replace, remove on object
 * members) to check that each patch applies cleanly to the graph it was made for. Not the runtime's
 * patcher: an independent reading of the RFC, so the data is checked without the code it measures.
 */
final class JsonPatchForTests {

  private JsonPatchForTests() {}

  /** The patched copy of {@code document}; throws naming the operation that cannot apply. */
  static ObjectNode apply(ObjectNode document, ArrayNode patch) {
    ObjectNode doc = document.deepCopy();
    for (int i = 0; i < patch.size(); i++) {
      JsonNode op = patch.get(i);
      JsonPointer path = JsonPointer.compile(op.path("path").asText());
      JsonNode parent = doc.at(path.head());
      String member = path.last().getMatchingProperty();
      String where = "op " + i + " (" + op.path("op").asText() + " " + path + ")";
      if (!parent.isObject()) {
        throw new IllegalStateException(where + ": parent is not an object");
      }
      ObjectNode target = (ObjectNode) parent;
      switch (op.path("op").asText()) {
        case "test" -> {
          if (!op.get("value").equals(target.get(member))) {
            throw new IllegalStateException(where + ": test failed, found " + target.get(member));
          }
        }
        case "add" -> target.set(member, op.get("value").deepCopy());
        case "replace", "remove" -> {
          if (!target.has(member)) {
            throw new IllegalStateException(where + ": nothing at the path");
          }
          if (op.path("op").asText().equals("remove")) {
            target.remove(member);
          } else {
            target.set(member, op.get("value").deepCopy());
          }
        }
        default -> throw new IllegalStateException(where + ": unsupported op");
      }
    }
    return doc;
  }
}
