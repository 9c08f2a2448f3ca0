package dev.comfyagent.runtime.workflow;

import java.util.List;

/**
 * How the workflow tools word their answers (counts, lists of changes), so that every tool says the
 * same thing the same way; what the lines say comes from {@link WorkflowChanges}.
 *
 * <p>Stateless and thread-safe.
 */
final class WorkflowText {

  /** Change lines shown in a tool's text; the structured content has them all. */
  static final int MAX_LISTED_CHANGES = 40;

  private WorkflowText() {}

  /** {@code "1 node"}, {@code "3 nodes"}. */
  static String plural(long n, String word) {
    return n + " " + word + (n == 1 ? "" : "s");
  }

  /** Change lines, at most {@link #MAX_LISTED_CHANGES}, each prefixed with "- ". */
  static String changeList(List<String> lines) {
    if (lines.isEmpty()) {
      return "(no changes)";
    }
    StringBuilder out = new StringBuilder();
    int shown = Math.min(lines.size(), MAX_LISTED_CHANGES);
    for (int i = 0; i < shown; i++) {
      if (i > 0) {
        out.append('\n');
      }
      out.append("- ").append(lines.get(i));
    }
    if (lines.size() > shown) {
      out.append("\n- ... and ")
          .append(lines.size() - shown)
          .append(" more (see structuredContent)");
    }
    return out.toString();
  }
}
