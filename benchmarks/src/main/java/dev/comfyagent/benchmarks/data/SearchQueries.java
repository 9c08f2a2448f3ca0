package dev.comfyagent.benchmarks.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Search queries as an assistant types them, drawn from a catalog's own names so they hit what
 * ranked search promises to find: the exact class name, a prefix, a word inside a name, a word with
 * a typo, and words that match nothing.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * String[] queries = SearchQueries.of(nodeTypeNames, SearchQueries.Kind.FUZZY, 256, 3);
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class SearchQueries {

  /** What a query is meant to exercise in a ranked search. */
  public enum Kind {
    /** A node type's full name, as written ({@code CR Upscale Image}). */
    EXACT,
    /** The start of a name, lower case ({@code impactwil}). */
    PREFIX,
    /** One or two words from inside names ({@code upscale}, {@code latent blend}). */
    TOKEN,
    /** A word with a typo, as typed in a hurry ({@code upscael}). */
    FUZZY,
    /** Words no name contains: the worst case, every entry is looked at and nothing ranks. */
    MISS,
    /** Equal shares of the above, interleaved: what a session sends. */
    MIXED
  }

  private static final List<String> NONSENSE =
      List.of("zyqx", "frobnicate", "quuxplot", "vortexmangle", "plimbus", "gnarfle");

  private SearchQueries() {}

  /**
   * {@code count} queries of one kind drawn from {@code names}.
   *
   * @throws IllegalArgumentException when {@code names} is empty or {@code count} is not positive
   */
  public static String[] of(List<String> names, Kind kind, int count, long seed) {
    if (names.isEmpty() || count < 1) {
      throw new IllegalArgumentException("need names and a positive count, got " + count);
    }
    Random random = new Random(seed);
    String[] queries = new String[count];
    Kind[] plain = {Kind.EXACT, Kind.PREFIX, Kind.TOKEN, Kind.FUZZY, Kind.MISS};
    for (int i = 0; i < count; i++) {
      Kind k = kind == Kind.MIXED ? plain[i % plain.length] : kind;
      queries[i] = one(random, names.get(random.nextInt(names.size())), k);
    }
    return queries;
  }

  private static String one(Random random, String name, Kind kind) {
    List<String> words = words(name);
    return switch (kind) {
      case EXACT -> name;
      case PREFIX -> {
        String lower = name.toLowerCase(Locale.ROOT);
        yield lower.substring(0, Math.min(lower.length(), 3 + random.nextInt(6)));
      }
      case TOKEN -> {
        String first = words.get(random.nextInt(words.size()));
        if (words.size() > 1 && random.nextBoolean()) {
          String second = words.get(random.nextInt(words.size()));
          yield (first + " " + second).toLowerCase(Locale.ROOT);
        }
        yield first.toLowerCase(Locale.ROOT);
      }
      case FUZZY -> typo(random, longest(words).toLowerCase(Locale.ROOT));
      case MISS ->
          NONSENSE.get(random.nextInt(NONSENSE.size())) + " " + (1000 + random.nextInt(9000));
      case MIXED -> throw new IllegalArgumentException("MIXED is drawn per query");
    };
  }

  /** Words of a node type name: camel case split, markers and punctuation dropped. */
  static List<String> words(String name) {
    List<String> words = new ArrayList<>();
    for (String part : NodePackNames.spaced(name.replaceAll("[^A-Za-z0-9]+", " ")).split(" ")) {
      if (part.length() > 1) {
        words.add(part);
      }
    }
    if (words.isEmpty()) {
      words.add(name);
    }
    return words;
  }

  private static String longest(List<String> words) {
    String best = words.get(0);
    for (String w : words) {
      if (w.length() > best.length()) {
        best = w;
      }
    }
    return best;
  }

  /** Swaps two neighbouring letters, drops one, or doubles one. */
  static String typo(Random random, String word) {
    if (word.length() < 4) {
      return word + word.charAt(word.length() - 1);
    }
    int at = 1 + random.nextInt(word.length() - 2);
    return switch (random.nextInt(3)) {
      case 0 ->
          word.substring(0, at) + word.charAt(at + 1) + word.charAt(at) + word.substring(at + 2);
      case 1 -> word.substring(0, at) + word.substring(at + 1);
      default -> word.substring(0, at) + word.charAt(at) + word.substring(at);
    };
  }
}
