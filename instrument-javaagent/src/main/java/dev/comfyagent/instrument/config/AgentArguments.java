package dev.comfyagent.instrument.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses the option string given after the agent jar: {@code key=value} pairs separated by commas,
 * as in {@code -javaagent:agent.jar=output.dir=C:\logs\agent,trace=off}.
 *
 * <p>Values are taken literally (a backslash is an ordinary character, so Windows paths work). A
 * value that must hold a comma is written in double quotes: {@code tools="a.B#c,d"} keeps the
 * comma; the quotes are removed. Spaces around keys and values are trimmed.
 *
 * <p>Stateless and thread-safe.
 */
final class AgentArguments {

  private AgentArguments() {}

  /**
   * The pairs of {@code arguments} in the order given; a later repeat of a key wins.
   *
   * @throws IllegalArgumentException naming the first malformed pair
   */
  static Map<String, String> parse(String arguments) {
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
        addPair(pairs, current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    if (quoted) {
      throw new IllegalArgumentException(
          "unclosed double quote in agent arguments '" + arguments + "'");
    }
    addPair(pairs, current.toString());
    return pairs;
  }

  private static void addPair(Map<String, String> pairs, String pair) {
    if (pair.isBlank()) {
      return;
    }
    int eq = pair.indexOf('=');
    if (eq <= 0) {
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
