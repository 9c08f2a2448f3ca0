package dev.comfyagent.benchmarks.data;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Invents custom node packs and their node class names in the styles real packs use, so that
 * generated catalogs exercise search the way the real ones do: {@code KSampler (Efficient)}, {@code
 * CR Upscale Image}, {@code ImpactWildcardProcessor}, {@code IPAdapterAdvanced}, {@code easy
 * kSampler}, {@code ShowText|pysssss}, {@code LoadImageBatch}.
 *
 * <p>Deterministic: the same {@link Random} seed gives the same packs and names, on every JDK
 * ({@code java.util.Random}'s algorithm is specified). Not thread-safe.
 */
final class NodePackNames {

  /** How a pack names its node types. */
  enum Style {
    /** {@code Image Resize (WAS)}: spaced words, the pack's tag in parentheses. */
    SUFFIX_TAG,
    /** {@code CR Upscale Image}: an upper-case prefix, spaced words. */
    PREFIX_SPACED,
    /** {@code ImpactWildcardProcessor}: a camel-case prefix glued to camel-case words. */
    PREFIX_CAMEL,
    /** {@code easy kSampler}: a lower-case prefix word, lower camel case. */
    LOWER_PREFIX,
    /** {@code ShowText|pysssss}: camel case, a pipe and the author's tag. */
    PIPE_TAG,
    /** {@code LoadImageBatch}: camel case, no marker. */
    PLAIN_CAMEL
  }

  /**
   * One invented pack.
   *
   * @param author the GitHub owner
   * @param repository the repository name ({@code ComfyUI-VideoHelperSuite})
   * @param url the key of {@code extension-node-map.json}
   * @param title a human title ({@code Video Helper Suite})
   * @param style how the pack names its nodes
   * @param tag the pack's marker in names ({@code Efficient}, {@code CR}, {@code Impact}, {@code
   *     easy}, {@code pysssss}); empty for {@link Style#PLAIN_CAMEL}
   */
  record Pack(
      String author, String repository, String url, String title, Style style, String tag) {}

  private final Random random;
  private final Set<String> urls = new HashSet<>();
  private final List<String> authors = new ArrayList<>();

  NodePackNames(Random random) {
    this.random = random;
  }

  /** A new pack with a URL no earlier pack of this instance has. */
  Pack nextPack() {
    while (true) {
      String author = nextAuthor();
      String thing = camel(1 + random.nextInt(2));
      if (random.nextInt(3) == 0) {
        thing = thing + Vocabulary.pick(random, Vocabulary.PACK_WORDS);
      }
      String repository = repositoryName(thing);
      String url = url(author, repository);
      if (urls.add(url)) {
        Style style = Style.values()[styleIndex()];
        return new Pack(author, repository, url, spaced(thing), style, tag(style, thing, author));
      }
    }
  }

  private String url(String author, String repository) {
    // A few packs are single Python files listed by their raw URL.
    if (random.nextInt(50) == 0) {
      String file = repository.toLowerCase(Locale.ROOT).replace('-', '_') + ".py";
      return "https://raw.githubusercontent.com/" + author + "/" + repository + "/main/" + file;
    }
    return "https://github.com/" + author + "/" + repository;
  }

  private String repositoryName(String thing) {
    int form = random.nextInt(20);
    if (form < 15) {
      return "ComfyUI-" + thing;
    } else if (form < 17) {
      return "comfyui-" + dashed(thing);
    } else if (form < 19) {
      return "ComfyUI_" + thing;
    }
    return thing + "-ComfyUI";
  }

  private int styleIndex() {
    // Roughly how often each style appears among real packs: plain camel case dominates.
    int roll = random.nextInt(100);
    if (roll < 12) {
      return Style.SUFFIX_TAG.ordinal();
    } else if (roll < 24) {
      return Style.PREFIX_SPACED.ordinal();
    } else if (roll < 40) {
      return Style.PREFIX_CAMEL.ordinal();
    } else if (roll < 46) {
      return Style.LOWER_PREFIX.ordinal();
    } else if (roll < 52) {
      return Style.PIPE_TAG.ordinal();
    }
    return Style.PLAIN_CAMEL.ordinal();
  }

  private String tag(Style style, String thing, String author) {
    return switch (style) {
      case SUFFIX_TAG -> random.nextBoolean() ? firstWord(thing) : initials(thing);
      case PREFIX_SPACED -> Vocabulary.pick(random, Vocabulary.UPPER_PREFIXES);
      case PREFIX_CAMEL -> firstWord(thing);
      case LOWER_PREFIX -> firstWord(thing).toLowerCase(Locale.ROOT);
      case PIPE_TAG -> author.replaceAll("[^A-Za-z0-9]", "").toLowerCase(Locale.ROOT);
      case PLAIN_CAMEL -> "";
    };
  }

  /** One node class name in the pack's style. */
  String nodeName(Pack pack) {
    List<String> words = nodeWords();
    return switch (pack.style()) {
      case SUFFIX_TAG -> String.join(" ", words) + " (" + pack.tag() + ")";
      case PREFIX_SPACED -> pack.tag() + " " + String.join(" ", words);
      case PREFIX_CAMEL -> pack.tag() + String.join("", words);
      case LOWER_PREFIX -> pack.tag() + " " + lowerCamel(words);
      case PIPE_TAG -> String.join("", words) + "|" + pack.tag();
      case PLAIN_CAMEL -> String.join("", words);
    };
  }

  /** Words of a node name: an action and a subject, sometimes a second subject or a qualifier. */
  List<String> nodeWords() {
    List<String> words = new ArrayList<>(4);
    String action = Vocabulary.pick(random, Vocabulary.ACTIONS);
    String subject = Vocabulary.pick(random, Vocabulary.SUBJECTS);
    if (random.nextInt(3) == 0) {
      words.add(subject);
      words.add(action);
    } else {
      words.add(action);
      words.add(subject);
    }
    if (random.nextInt(4) == 0) {
      words.add(Vocabulary.pick(random, Vocabulary.SUBJECTS));
    }
    if (random.nextInt(3) == 0) {
      words.add(Vocabulary.pick(random, Vocabulary.QUALIFIERS));
    }
    return words;
  }

  private String nextAuthor() {
    // Prolific authors publish several packs.
    if (!authors.isEmpty() && random.nextInt(10) < 3) {
      int index = (int) (authors.size() * Math.pow(random.nextDouble(), 2));
      return authors.get(index);
    }
    StringBuilder handle = new StringBuilder();
    int syllables = 2 + random.nextInt(3);
    for (int i = 0; i < syllables; i++) {
      handle.append(Vocabulary.pick(random, Vocabulary.SYLLABLES));
    }
    switch (random.nextInt(8)) {
      case 0 -> handle.append(random.nextInt(100));
      case 1 -> handle.append("-ai");
      case 2 -> handle.append("dev");
      case 3 -> handle.setCharAt(0, Character.toUpperCase(handle.charAt(0)));
      default -> {}
    }
    String author = handle.toString();
    authors.add(author);
    return author;
  }

  private String camel(int count) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < count; i++) {
      out.append(Vocabulary.pick(random, Vocabulary.SUBJECTS));
    }
    return out.toString();
  }

  private static String lowerCamel(List<String> words) {
    String joined = String.join("", words);
    return Character.toLowerCase(joined.charAt(0)) + joined.substring(1);
  }

  /** {@code VideoHelperSuite} to {@code Video Helper Suite}; keeps {@code CLIP} and {@code SD3}. */
  static String spaced(String camel) {
    return camel.replaceAll("(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ");
  }

  private static String dashed(String camel) {
    return spaced(camel).toLowerCase(Locale.ROOT).replace(' ', '-');
  }

  private static String firstWord(String camel) {
    return spaced(camel).split(" ")[0];
  }

  private static String initials(String camel) {
    StringBuilder out = new StringBuilder();
    for (String word : spaced(camel).split(" ")) {
      out.append(Character.toUpperCase(word.charAt(0)));
    }
    return out.length() < 2 ? out.append('N').toString() : out.toString();
  }
}
