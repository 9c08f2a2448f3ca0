package dev.comfyagent.runtime.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.discover.ManagerNodeMap;
import dev.comfyagent.runtime.discover.NodeCatalog;
import dev.comfyagent.runtime.discover.NodeDefinitions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

/** Test fixtures: the SDXL workflows in their three formats and the core catalog. */
final class Fixtures {

  static final String SDXL_API = "workflows/sdxl-base-refiner-api.json";
  static final String SDXL_UI = "workflows/sdxl-base-refiner-ui.json";
  static final String SDXL_UI_WITH_PROMPT = "workflows/sdxl-base-refiner-ui-with-prompt.json";
  static final String UI_FEATURES = "workflows/ui-features.json";

  private static NodeDefinitions definitions;

  private Fixtures() {}

  static String text(String resource) {
    try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + resource);
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode json(String resource) {
    return WorkflowJson.parse(text(resource), resource);
  }

  static ObjectNode object(String resource) {
    return (ObjectNode) json(resource);
  }

  static Workflow sdxl() {
    return Workflow.ofApi(object(SDXL_API));
  }

  static synchronized NodeDefinitions definitions() {
    if (definitions == null) {
      definitions = NodeDefinitions.parse(json("catalog/object_info-core.json"));
    }
    return definitions;
  }

  static Optional<NodeDefinitions> catalog() {
    return Optional.of(definitions());
  }

  /** No ComfyUI-Manager map: {@code find_missing_nodes} names no pack. */
  static ManagerNodeMap noManagerMap() {
    return ManagerNodeMap.none("ComfyUI-Manager is not part of this test");
  }

  static NodeCatalog fixedCatalog() {
    return NodeCatalog.fixed(definitions());
  }

  /** A catalog whose ComfyUI is down: every fetch fails, nothing was ever cached. */
  static NodeCatalog unreachableCatalog() {
    return new NodeCatalog(
        () -> {
          throw new dev.comfyagent.runtime.comfy.ComfyUiUnavailableException(
              "ComfyUI at 127.0.0.1:8188 is not reachable (connection refused); circuit breaker"
                  + " CLOSED",
              null);
        },
        java.time.Duration.ofMinutes(5),
        java.time.Clock.systemUTC());
  }

  static JsonPatch patch(String json) {
    return JsonPatch.parse(WorkflowJson.parse(json, "test patch"));
  }
}
