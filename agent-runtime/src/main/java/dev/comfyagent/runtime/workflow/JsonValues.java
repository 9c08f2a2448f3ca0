package dev.comfyagent.runtime.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Workflow values as ComfyUI reads them: when two values are the same, and which numbers it cannot
 * read at all.
 *
 * <p>Equality: JSON numbers are compared by value, so {@code 7.5} equals {@code 7.50} and {@code
 * 30} equals {@code 30.0}, however they were spelled (ComfyUI reads both as the same Python
 * number); everything else compares as JSON. Replacing a value with an equal one is no change.
 *
 * <p>Unusable numbers: NaN and ±Infinity (JSON has no spelling for them; they can only come from a
 * {@code double} that overflowed, such as {@code 1e400} read as a {@code double}), and decimals
 * beyond the range of a 64-bit float ({@code 1e400}: Python's JSON reader turns it into infinity)
 * or so small that they would be read as 0 ({@code 1e-400}). Integers of any size are fine: Python
 * reads them exactly, and the input's own bounds decide.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * JsonValues.same(old, proposed);                   // true for 7.5 and 7.50
 * JsonValues.unusableNumber(value).ifPresent(p ->    // p.at() is relative to value
 *     refuse("node 3 (KSampler) cfg" + p.at() + ": " + p.problem()));
 * }</pre>
 *
 * <p>Stateless and thread-safe; never throws on any JSON value (a {@code double} NaN included).
 */
final class JsonValues {

  private static final Comparator<JsonNode> BY_VALUE =
      (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
          return sameNumber(a, b) ? 0 : 1;
        }
        return a.equals(b) ? 0 : 1;
      };

  private JsonValues() {}

  /** Whether {@code a} and {@code b} are the same value, numbers compared by value. */
  static boolean same(JsonNode a, JsonNode b) {
    // Identity first at every level, not only at the top (Jackson's equals(Comparator, ...) has
    // none): a patched workflow shares every subtree it did not write with the original, so
    // comparing the two walks only the copied path, not the whole graph.
    if (a == b) {
      return true;
    }
    if (a == null || b == null) {
      return false;
    }
    if (a.isObject()) {
      if (!b.isObject() || a.size() != b.size()) {
        return false;
      }
      for (Map.Entry<String, JsonNode> member : a.properties()) {
        JsonNode other = b.get(member.getKey());
        if (other == null || !same(member.getValue(), other)) {
          return false;
        }
      }
      return true;
    }
    if (a.isArray()) {
      if (!b.isArray() || a.size() != b.size()) {
        return false;
      }
      for (int i = 0; i < a.size(); i++) {
        if (!same(a.get(i), b.get(i))) {
          return false;
        }
      }
      return true;
    }
    return BY_VALUE.compare(a, b) == 0;
  }

  private static boolean sameNumber(JsonNode a, JsonNode b) {
    if (!isFinite(a) || !isFinite(b)) {
      // decimalValue() throws for NaN and infinities; they equal only themselves.
      return Double.compare(a.doubleValue(), b.doubleValue()) == 0;
    }
    return a.decimalValue().compareTo(b.decimalValue()) == 0;
  }

  /** Whether a number node holds a finite value (every integer and decimal node does). */
  static boolean isFinite(JsonNode number) {
    return !(number.isDouble() || number.isFloat()) || Double.isFinite(number.doubleValue());
  }

  /**
   * The first number inside {@code value} (or {@code value} itself) that ComfyUI cannot read, in
   * document order.
   */
  static Optional<UnusableNumber> unusableNumber(JsonNode value) {
    return find(value, new ArrayList<>());
  }

  private static Optional<UnusableNumber> find(JsonNode value, List<String> at) {
    if (value.isNumber()) {
      return problemOf(value).map(p -> new UnusableNumber(List.copyOf(at), p));
    }
    if (value.isArray()) {
      for (int i = 0; i < value.size(); i++) {
        at.add(Integer.toString(i));
        Optional<UnusableNumber> found = find(value.get(i), at);
        at.remove(at.size() - 1);
        if (found.isPresent()) {
          return found;
        }
      }
    } else if (value.isObject()) {
      for (Map.Entry<String, JsonNode> member : value.properties()) {
        at.add(member.getKey());
        Optional<UnusableNumber> found = find(member.getValue(), at);
        at.remove(at.size() - 1);
        if (found.isPresent()) {
          return found;
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<String> problemOf(JsonNode number) {
    if (!isFinite(number)) {
      double d = number.doubleValue();
      String name = Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity";
      return Optional.of(
          name
              + " is not a number ComfyUI can take (JSON has no NaN or Infinity; a literal"
              + " beyond ±1.8e308 such as 1e400 turns into Infinity); send a finite number");
    }
    if (number.isIntegralNumber()) {
      return Optional.empty();
    }
    // Rounded as Python's float() rounds it: to the nearest double.
    double read = number.decimalValue().doubleValue();
    if (Double.isInfinite(read)) {
      return Optional.of(
          LiteralCheck.show(number)
              + " is beyond ±1.7976931348623157e308, the largest number ComfyUI can read (it would"
              + " become infinity); send a smaller number");
    }
    if (read == 0 && number.decimalValue().signum() != 0) {
      return Optional.of(
          LiteralCheck.show(number)
              + " is closer to 0 than 4.9e-324, the smallest number ComfyUI can read (it would"
              + " become 0); send 0 or a larger number");
    }
    return Optional.empty();
  }

  /**
   * A number ComfyUI cannot read.
   *
   * @param at where it is inside the value checked (member names and array indexes; empty for the
   *     value itself)
   * @param problem what is wrong and what to send instead
   */
  record UnusableNumber(List<String> at, String problem) {}
}
