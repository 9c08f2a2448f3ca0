package dev.comfyagent.runtime.workflow;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Suggestions for a mistyped name: the candidates closest to it, for "did you mean" hints on choice
 * values, input names and class types.
 *
 * <p>Ranking: an exact match ignoring case, then candidates that contain the text (or are contained
 * in it) ignoring case, then by edit distance (Levenshtein, case-insensitive). Candidates further
 * than a third of the text's length (at least 2 edits) are not offered.
 *
 * <p>Stateless and thread-safe.
 */
final class ClosestMatches {

  private ClosestMatches() {}

  /** Up to {@code limit} candidates close to {@code text}, best first. */
  static List<String> among(String text, Collection<String> candidates, int limit) {
    String wanted = text.toLowerCase(Locale.ROOT);
    int allowed = Math.max(2, wanted.length() / 3);
    List<Scored> scored = new ArrayList<>();
    for (String candidate : candidates) {
      String c = candidate.toLowerCase(Locale.ROOT);
      int score;
      if (c.equals(wanted)) {
        score = -2;
      } else if (!wanted.isEmpty()
          && (c.contains(wanted) || wanted.contains(c))
          && c.length() > 1) {
        score = -1;
      } else {
        score = distance(wanted, c, allowed);
        if (score > allowed) {
          continue;
        }
      }
      scored.add(new Scored(candidate, score));
    }
    scored.sort(
        Comparator.comparingInt(Scored::score)
            .thenComparingInt(s -> Math.abs(s.value().length() - text.length()))
            .thenComparing(Scored::value));
    return scored.stream().limit(limit).map(Scored::value).toList();
  }

  /** Levenshtein distance, giving up (returning more than {@code cap}) once it exceeds it. */
  static int distance(String a, String b, int cap) {
    if (Math.abs(a.length() - b.length()) > cap) {
      return cap + 1;
    }
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      int rowMin = current[0];
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] =
            Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
        rowMin = Math.min(rowMin, current[j]);
      }
      if (rowMin > cap) {
        return cap + 1;
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  private record Scored(String value, int score) {}
}
