package dev.comfyagent.instrument.config;

import java.util.Locale;

/**
 * The forms an option value can take, each with its parser and the words used in error messages.
 */
enum OptionKind {
  /** A file or directory; read literally, so Windows paths such as {@code C:\logs} work. */
  PATH("a path"),
  /** {@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h}, or a number of seconds. */
  DURATION("a duration such as 500ms, 30s, 5m or 1h"),
  /** {@code 512KB}, {@code 10MB}, {@code 1GB}, or a number of bytes; 0 turns the feature off. */
  SIZE("a size such as 512KB, 10MB or 1GB (0 = never)"),
  /** A whole number, zero or more. */
  COUNT("a whole number (0 or more)"),
  /** {@code true/false}, {@code on/off} or {@code yes/no}. */
  SWITCH("on or off (true/false, yes/no)"),
  /** Free text. */
  TEXT("text"),
  /** {@code class-glob#method-glob} patterns separated by {@code ;}. */
  PATTERNS("patterns such as com.acme.*Tool#execute, separated by ;");

  private final String expected;

  OptionKind(String expected) {
    this.expected = expected;
  }

  /** What a valid value looks like, for error messages. */
  String expected() {
    return expected;
  }

  /**
   * Checks {@code value}; returns what is wrong with it, as the end of a sentence that starts with
   * the option ("is not a duration such as ..."), or {@code null} when it is valid.
   */
  String check(String value) {
    try {
      switch (this) {
        case DURATION -> parseDurationMillis(value);
        case SIZE -> parseSizeBytes(value);
        case COUNT -> parseCount(value);
        case SWITCH -> parseSwitch(value);
        case PATTERNS -> {
          if (!value.isBlank()) {
            ToolPattern.parseAll(value);
          }
        }
        case PATH -> {
          if (value.isBlank()) {
            throw new IllegalArgumentException("empty");
          }
        }
        case TEXT -> {}
      }
      return null;
    } catch (IllegalArgumentException e) {
      return this == PATTERNS && e.getMessage() != null
          ? "has an invalid " + e.getMessage()
          : "is not " + expected;
    }
  }

  static long parseDurationMillis(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    long factor;
    String number;
    if (v.endsWith("ms")) {
      factor = 1;
      number = v.substring(0, v.length() - 2);
    } else if (v.endsWith("s")) {
      factor = 1000;
      number = v.substring(0, v.length() - 1);
    } else if (v.endsWith("m")) {
      factor = 60_000;
      number = v.substring(0, v.length() - 1);
    } else if (v.endsWith("h")) {
      factor = 3_600_000;
      number = v.substring(0, v.length() - 1);
    } else {
      factor = 1000;
      number = v;
    }
    long n = Long.parseLong(number.trim());
    if (n <= 0 || n > Long.MAX_VALUE / factor) {
      throw new IllegalArgumentException();
    }
    return n * factor;
  }

  static long parseSizeBytes(String value) {
    String v = value.trim().toUpperCase(Locale.ROOT);
    long factor = 1;
    String number = v;
    String[][] units = {
      {"KB", "1024"},
      {"MB", "1048576"},
      {"GB", "1073741824"},
      {"K", "1024"},
      {"M", "1048576"},
      {"G", "1073741824"},
      {"B", "1"}
    };
    for (String[] unit : units) {
      if (v.endsWith(unit[0])) {
        factor = Long.parseLong(unit[1]);
        number = v.substring(0, v.length() - unit[0].length());
        break;
      }
    }
    long n = Long.parseLong(number.trim());
    if (n < 0 || n > Long.MAX_VALUE / factor) {
      throw new IllegalArgumentException();
    }
    return n * factor;
  }

  static int parseCount(String value) {
    int n = Integer.parseInt(value.trim());
    if (n < 0) {
      throw new IllegalArgumentException();
    }
    return n;
  }

  static boolean parseSwitch(String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true", "on", "yes" -> true;
      case "false", "off", "no" -> false;
      default -> throw new IllegalArgumentException();
    };
  }
}
