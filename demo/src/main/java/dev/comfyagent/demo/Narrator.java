package dev.comfyagent.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prints the demo's steps for a person watching: numbered steps, indented results cut to a few
 * lines, and a count of the steps that did not go as scripted.
 */
final class Narrator {

  private static final int MAX_LINES = 12;
  private static final Pattern STEPS = Pattern.compile(".* (\\d+)/(\\d+)");

  private final PrintStream out;
  private int step;
  private int failures;

  Narrator(PrintStream out) {
    this.out = out;
  }

  void banner(String title) {
    out.println();
    out.println("== " + title + " ==");
  }

  void fact(String text) {
    out.println("   " + text);
  }

  void step(String title) {
    step++;
    out.println();
    out.printf("[%2d] %s%n", step, title);
  }

  /** A tool's answer, indented and cut to {@value #MAX_LINES} lines. */
  void result(String text, boolean isError) {
    result(text, isError, MAX_LINES);
  }

  /** A tool's answer, indented and cut to {@code maxLines} lines. */
  void result(String text, boolean isError, int maxLines) {
    List<String> lines = text.lines().toList();
    String mark = isError ? "   ! " : "   > ";
    for (int i = 0; i < Math.min(lines.size(), maxLines); i++) {
      out.println(mark + lines.get(i));
    }
    if (lines.size() > maxLines) {
      out.println("     ... " + (lines.size() - maxLines) + " more lines");
    }
  }

  void progress(double progress, Double total, String message) {
    if (message != null && !isMilestone(message)) {
      return;
    }
    String amount =
        total == null
            ? String.format("%.0f", progress)
            : String.format("%.0f/%.0f", progress, total);
    out.println("   ~ progress " + amount + (message == null ? "" : "  " + message));
  }

  /**
   * Sampler steps ("KSampler 7/30") are shown at each quarter and at the end, so a render stays a
   * few lines long; every other message (queued, running node X) is shown.
   */
  private static boolean isMilestone(String message) {
    Matcher steps = STEPS.matcher(message);
    if (!steps.matches()) {
      return true;
    }
    int done = Integer.parseInt(steps.group(1));
    int of = Integer.parseInt(steps.group(2));
    int quarter = Math.max(1, (of + 3) / 4);
    return done == of || done % quarter == 0;
  }

  /** A step whose outcome was not what the script expects. */
  void unexpected(String what) {
    failures++;
    out.println("   !! unexpected: " + what);
  }

  int failures() {
    return failures;
  }

  void lastLine(String label, Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      if (!lines.isEmpty()) {
        out.println("   " + label + ":");
        out.println("     " + lines.get(lines.size() - 1));
      }
    } catch (IOException e) {
      out.println("   " + label + ": not readable (" + e.getMessage() + ")");
    }
  }
}
