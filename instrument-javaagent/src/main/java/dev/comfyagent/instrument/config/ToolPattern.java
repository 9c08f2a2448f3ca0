package dev.comfyagent.instrument.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One entry of the {@code tools} option: which methods to time as tools, beyond the runtime's
 * {@code Tool#call} and the MCP SDK.
 *
 * <p>Form: {@code class-glob#method-glob}, where {@code *} matches any characters but a dot and
 * {@code **} matches any characters. A trailing {@code +} on the class glob also matches every
 * subtype of the named class or interface. Examples:
 *
 * <pre>{@code
 * com.acme.*Tool#execute        every class in com.acme whose simple name ends in Tool, method execute
 * com.acme.**#handle*           every class under com.acme, methods whose names start with handle
 * com.acme.Tool+#run            every implementation of com.acme.Tool, method run
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param typeGlob the class-name glob, without a trailing {@code +}
 * @param includeSubtypes whether subtypes of the named type match too (trailing {@code +})
 * @param methodGlob the method-name glob
 */
public record ToolPattern(String typeGlob, boolean includeSubtypes, String methodGlob) {

  private static final Pattern TYPE_GLOB = Pattern.compile("[\\p{L}\\p{N}_$.*]+");
  private static final Pattern METHOD_GLOB = Pattern.compile("[\\p{L}\\p{N}_$*]+");

  /** Parses {@code patterns} separated by {@code ;}; blank entries are skipped. */
  public static List<ToolPattern> parseAll(String patterns) {
    List<ToolPattern> parsed = new ArrayList<>();
    for (String part : patterns.split(";")) {
      if (!part.isBlank()) {
        parsed.add(parse(part.trim()));
      }
    }
    return List.copyOf(parsed);
  }

  /**
   * Parses one pattern.
   *
   * @throws IllegalArgumentException naming the pattern and what is wrong with it
   */
  public static ToolPattern parse(String pattern) {
    int hash = pattern.indexOf('#');
    if (hash <= 0 || hash != pattern.lastIndexOf('#') || hash == pattern.length() - 1) {
      throw new IllegalArgumentException(
          "pattern '" + pattern + "' must be class-glob#method-glob, e.g. com.acme.*Tool#execute");
    }
    String type = pattern.substring(0, hash);
    String method = pattern.substring(hash + 1);
    boolean subtypes = type.endsWith("+");
    if (subtypes) {
      type = type.substring(0, type.length() - 1);
    }
    if (!TYPE_GLOB.matcher(type).matches() || (subtypes && type.contains("*"))) {
      throw new IllegalArgumentException(
          "pattern '"
              + pattern
              + "': the class part may hold letters, digits, _ $ . and * (no * before a +)");
    }
    if (!METHOD_GLOB.matcher(method).matches()) {
      throw new IllegalArgumentException(
          "pattern '" + pattern + "': the method part may hold letters, digits, _ $ and *");
    }
    return new ToolPattern(type, subtypes, method);
  }

  /** Whether a class with this binary name matches the class glob (subtypes aside). */
  public boolean matchesTypeName(String className) {
    return typeRegex().matcher(className).matches();
  }

  /** Whether a method with this name matches the method glob. */
  public boolean matchesMethodName(String methodName) {
    return methodRegex().matcher(methodName).matches();
  }

  /** The class glob as a regular expression over binary class names; compile once, reuse. */
  public Pattern typeRegex() {
    return globToRegex(typeGlob, true);
  }

  /** The method glob as a regular expression over method names; compile once, reuse. */
  public Pattern methodRegex() {
    return globToRegex(methodGlob, false);
  }

  @Override
  public String toString() {
    return typeGlob + (includeSubtypes ? "+" : "") + "#" + methodGlob;
  }

  private static Pattern globToRegex(String glob, boolean dotted) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*') {
        if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
          regex.append(".*");
          i++;
        } else {
          regex.append(dotted ? "[^.]*" : ".*");
        }
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString());
  }
}
