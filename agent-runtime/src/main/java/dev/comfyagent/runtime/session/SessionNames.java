package dev.comfyagent.runtime.session;

import dev.comfyagent.runtime.tool.InvalidArgumentException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules for session names, which become file names ({@code sessions/<name>.json}) on every
 * operating system the runtime runs on: letters, digits, {@code _}, {@code -}, {@code .} and
 * spaces; starting with a letter or digit; not ending with a dot or space (Windows drops them); no
 * {@code ..}; not a reserved Windows device name ({@code CON}, {@code NUL}, {@code COM1}, ...); at
 * most 64 characters.
 *
 * <p>Usage: {@code String name = SessionNames.validate(args.requiredString("name"));}
 */
public final class SessionNames {

  /** Longest name accepted. */
  public static final int MAX_LENGTH = 64;

  private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._-]*");
  private static final Set<String> WINDOWS_DEVICES =
      Set.of(
          "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "COM0", "COM1", "COM2", "COM3", "COM4",
          "COM5", "COM6", "COM7", "COM8", "COM9", "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5",
          "LPT6", "LPT7", "LPT8", "LPT9");

  private SessionNames() {}

  /**
   * The name, if it follows the rules.
   *
   * @throws InvalidArgumentException naming the rule it breaks and an example of a good name
   */
  public static String validate(String name) {
    if (name == null || name.isEmpty()) {
      throw invalid("''", "a session name is required");
    }
    if (name.length() > MAX_LENGTH) {
      throw invalid(
          quote(name.substring(0, 20) + "..."),
          "it has " + name.length() + " characters; at most " + MAX_LENGTH + " are allowed");
    }
    if (name.contains("/") || name.contains("\\") || name.contains(":")) {
      throw invalid(
          quote(name), "it contains a path character (/, \\ or :); a session name is not a path");
    }
    if (name.contains("..")) {
      throw invalid(quote(name), "it contains '..'");
    }
    if (!ALLOWED.matcher(name).matches()) {
      throw invalid(
          quote(name),
          "use letters, digits, '_', '-', '.' and spaces only, starting with a letter or digit");
    }
    if (name.endsWith(".") || name.endsWith(" ")) {
      throw invalid(quote(name), "it ends with a dot or a space, which Windows drops from names");
    }
    int dot = name.indexOf('.');
    String stem = (dot >= 0 ? name.substring(0, dot) : name).strip().toUpperCase(Locale.ROOT);
    if (WINDOWS_DEVICES.contains(stem)) {
      throw invalid(quote(name), "'" + stem + "' is a reserved device name on Windows");
    }
    return name;
  }

  private static String quote(String name) {
    return "'" + name + "'";
  }

  private static InvalidArgumentException invalid(String shown, String why) {
    return new InvalidArgumentException(
        "invalid session name " + shown + ": " + why + " (for example: shot_010_lighting)");
  }
}
