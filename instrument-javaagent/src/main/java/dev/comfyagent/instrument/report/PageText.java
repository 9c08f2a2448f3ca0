package dev.comfyagent.instrument.report;

import java.util.Locale;

/**
 * Words and numbers as the page writes them: escaped text, durations ({@code 2 h 5 min}),
 * percentages with one decimal, counted nouns ({@code 1 call}, {@code 3 calls}) and a dash for
 * nothing.
 */
final class PageText {

  private PageText() {}

  /** A duration as the page writes it: ms, s, min, h or d, to two units at most. */
  static String duration(long millis) {
    if (millis < 1000) {
      return millis + " ms";
    }
    long seconds = millis / 1000;
    if (seconds < 120) {
      return seconds + " s";
    }
    long minutes = seconds / 60;
    if (minutes < 120) {
      return minutes + " min";
    }
    long hours = minutes / 60;
    if (hours < 48) {
      return hours + " h" + (minutes % 60 == 0 ? "" : " " + minutes % 60 + " min");
    }
    return hours / 24 + " d" + (hours % 24 == 0 ? "" : " " + hours % 24 + " h");
  }

  static String percent(long part, long whole) {
    return String.format(Locale.ROOT, "%.1f%%", 100.0 * part / whole);
  }

  static String plural(long n, String one, String many) {
    return n + " " + (n == 1 ? one : many);
  }

  static String orDash(String text) {
    return text == null || text.isBlank() ? "–" : text;
  }

  static String esc(String text) {
    return Charts.escape(text);
  }
}
