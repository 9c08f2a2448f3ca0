package dev.comfyagent.runtime.comfy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * How ComfyUI's JSON is read: one mapper for the HTTP answers and the {@code /ws} messages.
 *
 * <p>Usage: {@code JsonNode body = ComfyUiJson.MAPPER.readTree(text);}. The mapper is configured
 * once and thread-safe.
 */
final class ComfyUiJson {

  /** Reads JSON as ComfyUI writes it. */
  static final ObjectMapper MAPPER = JsonMapper.builder().build();

  private ComfyUiJson() {}
}
