package dev.comfyagent.runtime.discover;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Where the node catalog comes from: ComfyUI's {@code GET /object_info}. A method reference to
 * {@code ComfyUiClient::objectInfo} in the server, a fixed document in tests and benchmarks.
 */
@FunctionalInterface
public interface ObjectInfoSource {

  /**
   * The whole {@code /object_info} document.
   *
   * @throws dev.comfyagent.runtime.comfy.ComfyUiException when ComfyUI cannot be asked
   */
  JsonNode fetchObjectInfo();
}
