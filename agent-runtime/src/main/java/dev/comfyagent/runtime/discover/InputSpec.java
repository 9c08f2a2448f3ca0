package dev.comfyagent.runtime.discover;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.List;
import java.util.Set;

/**
 * One input of a node type as {@code /object_info} declares it: {@code "seed": ["INT", {"default":
 * 0, "min": 0, "max": 18446744073709551615}]} or {@code "sampler_name": [["euler", "dpmpp_2m"],
 * {...}]}.
 *
 * <p>Bounds are {@link BigDecimal} because ComfyUI's numbers exceed a {@code long} (a seed's
 * maximum is 2^64 - 1).
 *
 * @param name the input's name
 * @param presence whether the node needs it
 * @param type the declared type: {@code INT}, {@code FLOAT}, {@code STRING}, {@code BOOLEAN},
 *     {@code COMBO} for a choice list, or a link type such as {@code MODEL}, {@code LATENT}, {@code
 *     IMAGE,MASK} or {@code *}
 * @param choices the allowed values of a {@code COMBO}, empty otherwise
 * @param min the smallest allowed number, or {@code null}
 * @param max the largest allowed number, or {@code null}
 * @param defaultValue the default, or {@code null}
 * @param options the whole options object as sent (tooltip, step, multiline, ...), never {@code
 *     null}
 */
public record InputSpec(
    String name,
    Presence presence,
    String type,
    List<String> choices,
    BigDecimal min,
    BigDecimal max,
    JsonNode defaultValue,
    JsonNode options) {

  private static final Set<String> WIDGET_TYPES =
      Set.of("INT", "FLOAT", "STRING", "BOOLEAN", "COMBO");

  public InputSpec {
    choices = List.copyOf(choices);
  }

  /** Whether a literal value can be typed into this input (a widget) rather than only linked. */
  public boolean acceptsLiteral() {
    return WIDGET_TYPES.contains(type);
  }

  /** Whether the value must be one of {@link #choices()}. */
  public boolean isChoice() {
    return "COMBO".equals(type);
  }

  /** How much a node needs an input. */
  public enum Presence {
    REQUIRED,
    OPTIONAL,
    /** Filled by ComfyUI itself (prompt, extra_pnginfo, unique_id); never set by a workflow. */
    HIDDEN
  }
}
