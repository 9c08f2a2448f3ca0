package dev.comfyagent.runtime.discover;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How node names, categories and descriptions are cut into searchable pieces, shared by the index
 * and the queries so both sides agree: lower case, letters and digits only, CamelCase split ({@code
 * KSamplerAdvanced} is {@code k}, {@code sampler}, {@code advanced}; {@code VAEDecode} is {@code
 * vae}, {@code decode}).
 *
 * <p>Stateless and thread-safe.
 */
final class SearchText {

  /** Words too common to narrow a search; dropped from queries that have other words. */
  private static final Set<String> STOP_WORDS =
      Set.of(
          "a", "an", "the", "of", "to", "and", "or", "for", "in", "on", "with", "by", "is", "it",
          "from", "as", "at", "this", "that", "node", "nodes");

  /** Longer words are never stop words: most are told apart by their length alone. */
  private static final int LONGEST_STOP_WORD =
      STOP_WORDS.stream().mapToInt(String::length).max().orElse(0);

  /** The boundary marks of {@link #paddedTrigrams}: before the first and after the last char. */
  static final char START_MARK = '\u0001';

  static final char END_MARK = '\u0002';

  private SearchText() {}

  /**
   * The comparison key of a name: lower case, letters and digits only ({@code "Load Checkpoint"}
   * and {@code "load_checkpoint"} both give {@code loadcheckpoint}).
   */
  static String key(String text) {
    StringBuilder key = new StringBuilder(text.length());
    text.codePoints()
        .filter(Character::isLetterOrDigit)
        .map(Character::toLowerCase)
        .forEach(key::appendCodePoint);
    return key.toString();
  }

  /** The words of a text (runs of letters and digits), lower case, in order, without repeats. */
  static List<String> words(String text) {
    return List.copyOf(rawWords(text, false));
  }

  /**
   * The words of a text, each also split at CamelCase boundaries, lower case, without repeats:
   * {@code "CLIPTextEncode (SDXL)"} gives {@code cliptextencode, clip, text, encode, sdxl}.
   */
  static List<String> tokens(String text) {
    Set<String> out = new LinkedHashSet<>();
    for (String word : rawWords(text, true)) {
      out.add(word.toLowerCase(Locale.ROOT));
      List<String> parts = camelParts(word);
      if (parts.size() > 1) {
        out.addAll(parts);
      }
    }
    return List.copyOf(out);
  }

  /**
   * A word split at CamelCase boundaries, lower case: {@code KSamplerAdvanced} gives {@code k,
   * sampler, advanced}; {@code VAEDecode} gives {@code vae, decode}; digits stay with the letters
   * before them ({@code SD3Loader} gives {@code sd3, loader}).
   */
  static List<String> camelParts(String word) {
    List<String> parts = new ArrayList<>();
    int start = 0;
    int n = word.length();
    for (int i = 1; i < n; i++) {
      char prev = word.charAt(i - 1);
      char c = word.charAt(i);
      boolean lowerToUpper =
          (Character.isLowerCase(prev) || Character.isDigit(prev)) && Character.isUpperCase(c);
      boolean acronymEnd =
          Character.isUpperCase(prev)
              && Character.isUpperCase(c)
              && i + 1 < n
              && Character.isLowerCase(word.charAt(i + 1));
      if (lowerToUpper) {
        parts.add(word.substring(start, i).toLowerCase(Locale.ROOT));
        start = i;
      } else if (acronymEnd) {
        parts.add(word.substring(start, i).toLowerCase(Locale.ROOT));
        start = i;
      }
    }
    parts.add(word.substring(start).toLowerCase(Locale.ROOT));
    return parts;
  }

  static boolean isStopWord(String lowerWord) {
    return lowerWord.length() <= LONGEST_STOP_WORD && STOP_WORDS.contains(lowerWord);
  }

  /**
   * The optimal-string-alignment distance (Levenshtein plus adjacent transpositions) of two
   * strings, or {@code max + 1} as soon as it is certain to exceed {@code max}.
   */
  static int boundedDistance(String a, String b, int max) {
    int la = a.length();
    int lb = b.length();
    if (Math.abs(la - lb) > max) {
      return max + 1;
    }
    int[] prevPrev = new int[lb + 1];
    int[] prev = new int[lb + 1];
    int[] cur = new int[lb + 1];
    for (int j = 0; j <= lb; j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= la; i++) {
      cur[0] = i;
      int rowMin = cur[0];
      char ca = a.charAt(i - 1);
      for (int j = 1; j <= lb; j++) {
        char cb = b.charAt(j - 1);
        int cost = ca == cb ? 0 : 1;
        int d = Math.min(Math.min(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + cost);
        if (i > 1 && j > 1 && ca == b.charAt(j - 2) && a.charAt(i - 2) == cb) {
          d = Math.min(d, prevPrev[j - 2] + 1);
        }
        cur[j] = d;
        rowMin = Math.min(rowMin, d);
      }
      if (rowMin > max) {
        return max + 1;
      }
      int[] t = prevPrev;
      prevPrev = prev;
      prev = cur;
      cur = t;
    }
    return Math.min(prev[lb], max + 1);
  }

  /**
   * The trigrams of a token padded with one boundary mark on each side ({@code ^ab, abc, bc$}),
   * each packed into an int. Packing keeps ten bits of each character, so two different trigrams
   * can share a code; callers verify candidates, so a shared code only costs a comparison.
   */
  static int[] paddedTrigrams(String token) {
    int n = token.length();
    if (n == 0) {
      return new int[0];
    }
    int[] out = new int[n];
    char[] padded = new char[n + 2];
    padded[0] = START_MARK;
    token.getChars(0, n, padded, 1);
    padded[n + 1] = END_MARK;
    for (int i = 0; i < n; i++) {
      out[i] = trigram(padded[i], padded[i + 1], padded[i + 2]);
    }
    return out;
  }

  /** The trigrams inside a string, without boundary marks (for substring search). */
  static int[] innerTrigrams(String text) {
    int n = text.length();
    if (n < 3) {
      return new int[0];
    }
    int[] out = new int[n - 2];
    for (int i = 0; i + 2 < n; i++) {
      out[i] = trigram(text.charAt(i), text.charAt(i + 1), text.charAt(i + 2));
    }
    return out;
  }

  /**
   * Three chars packed into an int, ten bits each (so different trigrams can share a code; users
   * verify candidates).
   */
  static int trigram(char a, char b, char c) {
    return ((a & 0x3FF) << 20) | ((b & 0x3FF) << 10) | (c & 0x3FF);
  }

  /**
   * The ASCII char classes of the index builder's fast path, which cuts ASCII text in place and
   * must cut it as {@link #key}, {@link #words}, {@link #tokens} and {@link #camelParts} do (for
   * ASCII chars, {@link Character#isLetterOrDigit} and friends agree with these).
   */
  static char lowerAscii(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
  }

  static boolean isAsciiLetterOrDigit(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  static boolean isAsciiLower(char c) {
    return c >= 'a' && c <= 'z';
  }

  static boolean isAsciiUpper(char c) {
    return c >= 'A' && c <= 'Z';
  }

  static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }

  static boolean isAscii(String text) {
    for (int i = 0, n = text.length(); i < n; i++) {
      if (text.charAt(i) >= 128) {
        return false;
      }
    }
    return true;
  }

  private static List<String> rawWords(String text, boolean keepCase) {
    List<String> words = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    StringBuilder word = new StringBuilder();
    for (int i = 0; i <= text.length(); i++) {
      char c = i < text.length() ? text.charAt(i) : ' ';
      if (Character.isLetterOrDigit(c)) {
        word.append(c);
      } else if (word.length() > 0) {
        String w = keepCase ? word.toString() : word.toString().toLowerCase(Locale.ROOT);
        if (seen.add(w)) {
          words.add(w);
        }
        word.setLength(0);
      }
    }
    return words;
  }
}
