package dev.comfyagent.runtime.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfyagent.runtime.discover.InputSpec;
import dev.comfyagent.runtime.workflow.ValidationProblem.Severity;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.List;
import java.util.Optional;

/**
 * Checks one literal input value against what {@code /object_info} declares for the input: its kind
 * ({@code INT}, {@code FLOAT}, {@code STRING}, {@code BOOLEAN}, a choice list), its bounds and its
 * choices.
 *
 * <p>Bounds are compared as ComfyUI compares them: INT bounds exactly, as integers beyond a {@code
 * long} (a seed's maximum is 2^64 - 1; see {@link #intMaximum} for bounds that passed through a
 * float), FLOAT bounds as 64-bit floats. NaN, ±Infinity and decimals no float can hold are refused
 * for any number input ({@link JsonValues}). Where ComfyUI would quietly convert a value (the
 * string {@code "42"} for an INT, a number for a STRING) the finding is a warning; where it would
 * refuse or misread it (a string for a BOOLEAN, {@code bool("false")} being true) it is an error.
 *
 * <p>Stateless and thread-safe.
 */
final class LiteralCheck {

  private static final int MAX_LISTED_CHOICES = 12;

  /** 2^53: from here on, 64-bit floats no longer hold every integer. */
  private static final BigDecimal FLOAT_EXACT_LIMIT = new BigDecimal(BigInteger.ONE.shiftLeft(53));

  private LiteralCheck() {}

  /**
   * What is wrong with {@code value} for {@code spec}, if anything.
   *
   * @param value a literal (not a link)
   */
  static Optional<Finding> check(InputSpec spec, JsonNode value) {
    Optional<Finding> unusable = checkNumbers(value);
    if (unusable.isPresent()) {
      return unusable;
    }
    String type = spec.type();
    if ("*".equals(type)) {
      return Optional.empty();
    }
    if (!spec.acceptsLiteral()) {
      return error(
          "takes a " + type + " link [\"<node id>\", <output index>], not the value " + show(value),
          "connect an output of type " + type + " to it");
    }
    return switch (type) {
      case "INT" -> checkInt(spec, value);
      case "FLOAT" -> checkFloat(spec, value);
      case "STRING" -> checkString(value);
      case "BOOLEAN" ->
          value.isBoolean()
              ? Optional.empty()
              : error("expects true or false, got " + kindOf(value), "send true or false");
      default -> checkChoice(spec, value);
    };
  }

  private static Optional<Finding> checkInt(InputSpec spec, JsonNode value) {
    if (value.isNumber()) {
      BigDecimal number = value.decimalValue();
      if (number.stripTrailingZeros().scale() > 0) {
        return error(
            "expects a whole number (INT), got " + show(value),
            "use " + number.setScale(0, RoundingMode.HALF_EVEN).toPlainString());
      }
      return intBounds(spec, value, number.toBigInteger());
    }
    if (value.isTextual()) {
      BigDecimal parsed = parse(value.asText().trim());
      if (parsed != null && parsed.stripTrailingZeros().scale() <= 0) {
        return warning(
            "is the string " + show(value) + "; ComfyUI converts it, but it should be a number",
            "send the number " + parsed.toBigInteger() + " without quotes");
      }
    }
    return error(
        "expects a whole number (INT), got " + kindOf(value), "send a number without quotes");
  }

  private static Optional<Finding> checkFloat(InputSpec spec, JsonNode value) {
    if (value.isNumber()) {
      return floatBounds(spec, value);
    }
    if (value.isTextual()) {
      BigDecimal parsed = parse(value.asText().trim());
      if (parsed != null) {
        return warning(
            "is the string " + show(value) + "; ComfyUI converts it, but it should be a number",
            "send the number " + parsed.toPlainString() + " without quotes");
      }
    }
    return error("expects a number (FLOAT), got " + kindOf(value), "send a number without quotes");
  }

  /**
   * An error when {@code value} is or holds a number ComfyUI cannot read (NaN, ±Infinity, beyond a
   * float's range), whatever the input's type; checked with or without the catalog.
   */
  static Optional<Finding> checkNumbers(JsonNode value) {
    return JsonValues.unusableNumber(value)
        .map(u -> new Finding(Severity.ERROR, u.problem(), null));
  }

  private static Optional<Finding> checkString(JsonNode value) {
    if (value.isTextual()) {
      return Optional.empty();
    }
    if (value.isNumber() || value.isBoolean()) {
      return warning(
          "expects a STRING, got " + kindOf(value) + "; ComfyUI turns it into text",
          "send it in quotes");
    }
    return error("expects a STRING, got " + kindOf(value), "send text in quotes");
  }

  private static Optional<Finding> checkChoice(InputSpec spec, JsonNode value) {
    if (!value.isValueNode() || value.isNull()) {
      return error("expects one of its choices, got " + kindOf(value), listChoices(spec.choices()));
    }
    String text = value.asText();
    List<String> choices = spec.choices();
    if (choices.contains(text)) {
      return Optional.empty();
    }
    if (choices.isEmpty()) {
      return error(
          show(value) + " is not available: ComfyUI offers no choices for this input",
          "for a model input, put the file in ComfyUI's models folder (list_models shows what"
              + " is there)");
    }
    List<String> close = ClosestMatches.among(text, choices, 3);
    String suggestion =
        close.isEmpty()
            ? listChoices(choices)
            : "did you mean "
                + String.join(" or ", close.stream().map(c -> "'" + c + "'").toList())
                + "?";
    return error(
        show(value)
            + " is not one of the "
            + choices.size()
            + (choices.size() == 1 ? " choice" : " choices"),
        suggestion);
  }

  private static String listChoices(List<String> choices) {
    if (choices.isEmpty()) {
      return null;
    }
    if (choices.size() <= MAX_LISTED_CHOICES) {
      return "choices: " + String.join(", ", choices);
    }
    return "choices include: "
        + String.join(", ", choices.subList(0, MAX_LISTED_CHOICES))
        + ", ... (get_node_info lists all "
        + choices.size()
        + ")";
  }

  /** INT bounds compared exactly, as Python compares its integers. */
  private static Optional<Finding> intBounds(InputSpec spec, JsonNode value, BigInteger number) {
    BigInteger min = intMinimum(spec.min());
    BigInteger max = intMaximum(spec.max());
    BigDecimal shownMin = min == null ? null : new BigDecimal(min);
    BigDecimal shownMax = max == null ? null : new BigDecimal(max);
    if (min != null && number.compareTo(min) < 0) {
      return error(
          show(value) + " is below the minimum " + plain(shownMin), range(shownMin, shownMax));
    }
    if (max != null && number.compareTo(max) > 0) {
      return error(
          show(value) + " is above the maximum " + plain(shownMax), range(shownMin, shownMax));
    }
    return Optional.empty();
  }

  /**
   * FLOAT bounds compared as ComfyUI compares them: the value and the bound both as 64-bit floats
   * ({@code float(value) > max}), so {@code 0.10000000000000001} is not above a maximum of 0.1.
   */
  private static Optional<Finding> floatBounds(InputSpec spec, JsonNode value) {
    double number = value.decimalValue().doubleValue();
    BigDecimal min = spec.min();
    BigDecimal max = spec.max();
    if (min != null && number < min.doubleValue()) {
      return error(show(value) + " is below the minimum " + plain(min), range(min, max));
    }
    if (max != null && number > max.doubleValue()) {
      return error(show(value) + " is above the maximum " + plain(max), range(min, max));
    }
    return Optional.empty();
  }

  /**
   * The largest value of an INT input, as ComfyUI means it. A bound from {@code /object_info} may
   * have passed through a 64-bit float on its way (a JavaScript or Python re-serialisation turns
   * {@code 0xffffffffffffffff} into {@code 1.8446744073709552e19} or {@code 18446744073709552000}),
   * which rounds 2^64 - 1 up to 2^64. Such a float-shaped bound at a power of two 2^k (k >= 53,
   * where floats stop holding every integer) stands for 2^k - 1, the unsigned or signed integer
   * maximum it came from; an exact integer bound is taken as it is.
   */
  static BigInteger intMaximum(BigDecimal max) {
    if (max == null) {
      return null;
    }
    BigInteger powerOfTwo = floatShapedPowerOfTwo(max);
    if (powerOfTwo != null && powerOfTwo.signum() > 0) {
      return powerOfTwo.subtract(BigInteger.ONE);
    }
    return max.setScale(0, RoundingMode.FLOOR).toBigInteger();
  }

  /** The smallest value of an INT input, read like {@link #intMaximum}: -2^63 stays -2^63. */
  static BigInteger intMinimum(BigDecimal min) {
    if (min == null) {
      return null;
    }
    BigInteger powerOfTwo = floatShapedPowerOfTwo(min);
    if (powerOfTwo != null && powerOfTwo.signum() < 0) {
      return powerOfTwo;
    }
    return min.setScale(0, RoundingMode.CEILING).toBigInteger();
  }

  /**
   * ±2^k when {@code bound} is a float's rendering (shortest or exact) of ±2^k with k >= 53;
   * otherwise null.
   */
  private static BigInteger floatShapedPowerOfTwo(BigDecimal bound) {
    if (bound.abs().compareTo(FLOAT_EXACT_LIMIT) < 0) {
      return null;
    }
    double asFloat = bound.doubleValue();
    if (Double.isInfinite(asFloat)) {
      return null;
    }
    BigDecimal exact = new BigDecimal(asFloat);
    boolean floatShaped =
        bound.compareTo(exact) == 0 || bound.compareTo(BigDecimal.valueOf(asFloat)) == 0;
    BigInteger integer = exact.toBigInteger();
    if (!floatShaped || integer.abs().bitCount() != 1) {
      return null;
    }
    return integer;
  }

  private static String range(BigDecimal min, BigDecimal max) {
    if (min != null && max != null) {
      return "use a value from " + plain(min) + " to " + plain(max);
    }
    return min != null ? "use " + plain(min) + " or more" : "use " + plain(max) + " or less";
  }

  static String plain(BigDecimal number) {
    return number.stripTrailingZeros().toPlainString();
  }

  private static BigDecimal parse(String text) {
    try {
      return text.isEmpty() ? null : new BigDecimal(text);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** A literal as shown in messages: JSON, shortened. */
  static String show(JsonNode value) {
    String text = WorkflowJson.compact(value);
    return text.length() > 60 ? text.substring(0, 57) + "..." : text;
  }

  private static String kindOf(JsonNode value) {
    return switch (value.getNodeType()) {
      case STRING -> "the string " + show(value);
      case NUMBER -> "the number " + show(value);
      case BOOLEAN -> "the boolean " + show(value);
      case NULL -> "null";
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      default -> show(value);
    };
  }

  private static Optional<Finding> error(String message, String suggestion) {
    return Optional.of(new Finding(Severity.ERROR, message, suggestion));
  }

  private static Optional<Finding> warning(String message, String suggestion) {
    return Optional.of(new Finding(Severity.WARNING, message, suggestion));
  }

  /** One finding about a value; {@code suggestion} may be {@code null}. */
  record Finding(Severity severity, String message, String suggestion) {}
}
