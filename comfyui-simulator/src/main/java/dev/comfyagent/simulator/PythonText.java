package dev.comfyagent.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Map;

/**
 * Writes JSON values the way ComfyUI's Python writes them into error messages ({@code str()} and
 * {@code repr()}), so that the simulator's messages read exactly like a real ComfyUI's: {@code
 * Value 0 smaller than min of 1}, {@code sampler_name: 'foo' not in ['euler', 'heun']}.
 */
final class PythonText {

  private PythonText() {}

  /** {@code str(value)}: strings bare, everything else as {@link #repr}. */
  static String str(JsonNode value) {
    return value.isTextual() ? value.asText() : repr(value);
  }

  /** {@code repr(value)}. */
  static String repr(JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return "None";
    }
    if (value.isTextual()) {
      return "'" + value.asText().replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
    if (value.isBoolean()) {
      return value.booleanValue() ? "True" : "False";
    }
    if (value.isIntegralNumber()) {
      return value.bigIntegerValue().toString();
    }
    if (value.isNumber()) {
      return floatRepr(value.doubleValue());
    }
    if (value.isArray()) {
      StringBuilder out = new StringBuilder("[");
      for (int i = 0; i < value.size(); i++) {
        if (i > 0) {
          out.append(", ");
        }
        out.append(repr(value.get(i)));
      }
      return out.append(']').toString();
    }
    StringBuilder out = new StringBuilder("{");
    boolean first = true;
    for (Map.Entry<String, JsonNode> e : value.properties()) {
      if (!first) {
        out.append(", ");
      }
      first = false;
      out.append('\'').append(e.getKey()).append("': ").append(repr(e.getValue()));
    }
    return out.append('}').toString();
  }

  /** Python's float repr: {@code 1.0}, {@code 0.5}, {@code 1e-05}. */
  static String floatRepr(double d) {
    if (Double.isNaN(d)) {
      return "nan";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e16) {
      return new BigDecimal(d).toBigInteger() + ".0";
    }
    String text = Double.toString(d);
    if (text.contains("E")) {
      BigDecimal exact = new BigDecimal(text);
      int exponent = exact.precision() - exact.scale() - 1;
      String mantissa = exact.movePointLeft(exponent).stripTrailingZeros().toPlainString();
      return mantissa
          + "e"
          + (exponent < 0 ? "-" : "+")
          + String.format("%02d", Math.abs(exponent));
    }
    return text;
  }
}
