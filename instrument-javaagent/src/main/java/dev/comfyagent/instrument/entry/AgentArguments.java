package dev.comfyagent.instrument.entry;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The one parser of the agent's option string, the text after the jar in {@code
 * -javaagent:agent.jar=output.dir=C:\logs\agent,trace=off}: {@code key=value} pairs separated by
 * commas; and the one rule for whether {@code strict} was asked for, from that string, the system
 * property {@code comfyagent.strict} or the environment variable {@code COMFYAGENT_STRICT}.
 *
 * <p>It sits beside {@link AgentEntry}, which needs the {@code strict} rule when the agent's own
 * classes cannot even be loaded; the isolated agent class loader hands this very class to the
 * options ({@code config.AgentConfig}), so the entry and the options never disagree.
 *
 * <p>Values are taken literally (a backslash is an ordinary character, so Windows paths work). A
 * value that must hold a comma is written in double quotes: {@code tools="a.B#c,d"} keeps the
 * comma; the quotes are removed. Spaces around keys and values are trimmed.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * Map<String, String> pairs = AgentArguments.parse("output.dir=./logs,trace=off");
 * boolean strict = AgentArguments.strictRequested(arguments, System.getProperties(), System.getenv());
 * }</pre>
 *
 * <p>Stateless and thread-safe; JDK types only (it is on the host's class path).
 */
public final class AgentArguments {

  /** Prefix of the system properties the agent reads. */
  public static final String PROPERTY_PREFIX = "comfyagent.";

  /** Prefix of the environment variables the agent reads. */
  public static final String ENV_PREFIX = "COMFYAGENT_";

  /** The option that makes a wrong option stop the JVM's start. */
  public static final String STRICT = "strict";

  private AgentArguments() {}

  /**
   * The pairs of {@code arguments} in the order given; a later repeat of a key wins.
   *
   * @throws IllegalArgumentException naming the first malformed pair
   */
  public static Map<String, String> parse(String arguments) {
    return pairs(arguments, false);
  }

  /**
   * The well-formed pairs of {@code arguments}: what {@link #parse} gives, with malformed pairs
   * left out instead of refused (an unclosed quote runs to the end of the string).
   */
  public static Map<String, String> wellFormedPairs(String arguments) {
    return pairs(arguments, true);
  }

  /**
   * Whether {@code strict} is on: the first of the option string's {@code strict} (its well-formed
   * pairs, so that a malformed string elsewhere does not hide it), the system property {@code
   * comfyagent.strict} and the environment variable {@code COMFYAGENT_STRICT}, read by {@link
   * #isOn}; off when that value is not a switch.
   */
  public static boolean strictRequested(
      String arguments, Map<?, ?> systemProperties, Map<String, String> environment) {
    String value = wellFormedPairs(arguments).get(STRICT);
    if (value == null && systemProperties.get(PROPERTY_PREFIX + STRICT) instanceof String set) {
      value = set;
    }
    if (value == null) {
      value = environment.get(ENV_PREFIX + STRICT.toUpperCase(Locale.ROOT));
    }
    return value != null && isOn(value);
  }

  /** Whether {@code value} turns a switch on: {@code true}, {@code on}, {@code yes} (any case). */
  public static boolean isOn(String value) {
    return switchWord(value, "true", "on", "yes");
  }

  /**
   * Whether {@code value} turns a switch off: {@code false}, {@code off}, {@code no} (any case).
   */
  public static boolean isOff(String value) {
    return switchWord(value, "false", "off", "no");
  }

  private static boolean switchWord(String value, String... words) {
    String word = value.trim().toLowerCase(Locale.ROOT);
    for (String w : words) {
      if (w.equals(word)) {
        return true;
      }
    }
    return false;
  }

  private static Map<String, String> pairs(String arguments, boolean lenient) {
    Map<String, String> pairs = new LinkedHashMap<>();
    if (arguments == null || arguments.isBlank()) {
      return pairs;
    }
    StringBuilder current = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < arguments.length(); i++) {
      char c = arguments.charAt(i);
      if (c == '"') {
        quoted = !quoted;
        current.append(c);
      } else if (c == ',' && !quoted) {
        addPair(pairs, current.toString(), lenient);
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    if (quoted && !lenient) {
      throw new IllegalArgumentException(
          "unclosed double quote in agent arguments '" + arguments + "'");
    }
    addPair(pairs, current.toString(), lenient);
    return pairs;
  }

  private static void addPair(Map<String, String> pairs, String pair, boolean lenient) {
    if (pair.isBlank()) {
      return;
    }
    int eq = pair.indexOf('=');
    if (eq <= 0) {
      if (lenient) {
        return;
      }
      throw new IllegalArgumentException(
          "'" + pair.trim() + "' is not key=value (pairs are separated by commas)");
    }
    String key = pair.substring(0, eq).trim();
    String value = pair.substring(eq + 1).trim();
    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
      value = value.substring(1, value.length() - 1);
    }
    pairs.put(key, value);
  }
}
