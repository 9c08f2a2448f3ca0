package dev.comfyagent.runtime.comfy;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * How ComfyUI's JSON is read. ComfyUI writes its answers with Python's {@code json.dumps}, which by
 * default writes the floats infinity and not-a-number as the bare words {@code Infinity}, {@code
 * -Infinity} and {@code NaN} (not JSON): {@code /object_info} does so for a float input whose bound
 * is {@code float("inf")}, and a custom node can put them in {@code /history} outputs or {@code
 * /system_stats}. A strict parser would refuse the whole body (the whole node catalog for one input
 * of one custom node), so they are read as {@link Double#POSITIVE_INFINITY}, {@link
 * Double#NEGATIVE_INFINITY} and {@link Double#NaN}; what they mean is up to the reader (an infinite
 * bound is no bound).
 *
 * <p>Usage: {@code JsonNode body = ComfyUiJson.MAPPER.readTree(text);}. The mapper is configured
 * once and thread-safe.
 */
final class ComfyUiJson {

  /** Reads JSON as ComfyUI writes it, non-numeric numbers included. */
  static final ObjectMapper MAPPER =
      JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  private ComfyUiJson() {}
}
