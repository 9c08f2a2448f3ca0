package dev.comfyagent.runtime.discover;

import dev.comfyagent.runtime.discover.NodeMatch.Installation;
import dev.comfyagent.runtime.discover.NodeMatch.Tier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToIntFunction;

/**
 * The oracle of {@link NodeSearchIndexEquivalenceTest}: node search written as plainly as possible,
 * straight from the ranking rules below, sharing no code with the index but {@link SearchText}'s
 * definitions of how text is cut (keys, words, tokens, CamelCase parts, stop words, packed
 * trigrams). No postings, no sorted vocabulary rows, no trigram rows, no heap, no pooled scratch:
 * every query scores every node type by a linear scan of its terms, and sorts. Slow on purpose.
 *
 * <h2>What a node type is made of</h2>
 *
 * <p>Node types: the live catalog's definitions in their order ({@code INSTALLED}), then the node
 * types of ComfyUI-Manager's map that ComfyUI does not have, in the order the map first lists them
 * ({@code NOT_INSTALLED}, or {@code UNKNOWN} without a live catalog), named by their class name
 * with no category or description. A node type the map lists has the map's packs; others have none.
 *
 * <p>Its <b>keys</b>: {@code key(class name)} and {@code key(display name)}, when not empty. Its
 * <b>terms</b>, each in the best field it appears in (name &gt; category &gt; pack &gt;
 * description):
 *
 * <ol>
 *   <li>name: both keys, and {@code tokens} of the class name and of the display name;
 *   <li>category: {@code tokens} of the category;
 *   <li>pack: {@code tokens} of the title of its first pack;
 *   <li>description: of its description and of its first pack's description, the first 64 of {@code
 *       words} (distinct), leaving out stop words.
 * </ol>
 *
 * <p>The <b>vocabulary</b> is every term of every node type (installed or not).
 *
 * <h2>How a query ranks them</h2>
 *
 * <p>The query's key is {@code key(query)}; nothing is found when it is empty. Its <b>words</b>:
 * the runs of letters and digits, lower case, first occurrence of each only, each with the first
 * six of its {@code camelParts}; stop words dropped unless all are; the first eight.
 *
 * <p>Tiers, in order; a node type answered in one tier is not considered again, and a tier fills
 * only the room the earlier ones left (the query stops when {@code limit} are found). Within a
 * tier, matches are ordered by score plus 25 for an installed node type (the reported score has no
 * bonus), then shorter class name, then class name ignoring case, then index order.
 *
 * <ol>
 *   <li><b>EXACT</b>: a key equals the query's key: 1000 for the class name's, 900 for the display
 *       name's (the higher if both).
 *   <li><b>PREFIX</b>: a key starts with the query's key: {@code 800 - min(700, key length - query
 *       key length)}, the best of its keys.
 *   <li><b>TOKEN</b>: the integer mean of the words' weights, when every word has one; and for a
 *       one-word query whose key is at least 5 long, 60 (or the mean if higher) when a key contains
 *       the query's key but does not start with it.
 *   <li><b>FUZZY</b>, the same as TOKEN with typos allowed, but only when some word is unknown (no
 *       vocabulary term starts with it, and it has fewer than two parts or some part that no term
 *       starts with); then, when the query has several words and these full matches are fewer than
 *       the room left, node types matching some words but not all: {@code max(1, sum of the matched
 *       words' weights * number matched / (3 n^2))}, n the number of words. The per-word weights of
 *       that partial score allow typos only if some word is unknown.
 * </ol>
 *
 * <p>A word's <b>weight</b> is the higher of its token weight and, when it has at least two parts
 * that all have a token weight, the integer mean of theirs. A token's weight is its best over the
 * node type's terms, by kind (rows) and the term's field (columns):
 *
 * <pre>
 *                        name category pack description
 *   term equals token     100     40     30     20
 *   token prefix of term   70     28     20     14      token at least 3 long; the term among the
 *                                                       first 4096 vocabulary terms, in sorted
 *                                                       order, that the token is a prefix of
 *   typo (FUZZY only)      40     16     12      8      token at least 4 long, not a vocabulary
 *                                                       term, not a prefix of the term, term
 *                                                       length within d of it, optimal string
 *                                                       alignment distance at most d (d = 1 up to
 *                                                       7 chars, else 2), and the term's padded
 *                                                       trigram codes include all but 4d of the
 *                                                       token's distinct ones (at least 1): a swap
 *                                                       of neighbours is one edit
 * </pre>
 */
final class ReferenceNodeSearchIndex {

  private static final int[][] WEIGHTS = {
    {100, 40, 30, 20},
    {70, 28, 20, 14},
    {40, 16, 12, 8},
  };

  private static final int EQUALS = 0;
  private static final int PREFIX = 1;
  private static final int TYPO = 2;
  private static final int NO_MATCH = -1;

  private static final int NAME = 0;
  private static final int CATEGORY = 1;
  private static final int PACK = 2;
  private static final int DESCRIPTION = 3;

  private static final Comparator<Node> NAME_ORDER =
      Comparator.<Node>comparingInt(n -> n.classType.length())
          .thenComparing(n -> n.classType, String.CASE_INSENSITIVE_ORDER)
          .thenComparingInt(n -> n.order);

  private final List<Node> nodes;
  private final boolean liveCatalog;
  private final int installedCount;

  /** Every term of every node type, sorted; a term's place here is its number. */
  private final String[] vocabulary;

  private ReferenceNodeSearchIndex(List<Node> nodes, boolean liveCatalog, int installedCount) {
    this.nodes = nodes;
    this.liveCatalog = liveCatalog;
    this.installedCount = installedCount;
    TreeSet<String> all = new TreeSet<>();
    nodes.forEach(n -> all.addAll(n.terms.keySet()));
    this.vocabulary = all.toArray(new String[0]);
    Map<String, Integer> number = new HashMap<>();
    for (int i = 0; i < vocabulary.length; i++) {
      number.put(vocabulary[i], i);
    }
    nodes.forEach(n -> n.numberTerms(number));
  }

  static ReferenceNodeSearchIndex build(NodeDefinitions live, ManagerNodeMap managerMap) {
    List<String> listed = managerMap == null ? List.of() : managerMap.nodeTypes();
    Set<String> listedSet = new HashSet<>(listed);
    List<Node> nodes = new ArrayList<>();
    Set<String> installed = new HashSet<>();
    if (live != null) {
      for (NodeDefinition def : live.all()) {
        installed.add(def.classType());
        List<NodePack> packs =
            listedSet.contains(def.classType())
                ? managerMap.packsProviding(def.classType())
                : List.of();
        nodes.add(
            new Node(
                nodes.size(),
                def.classType(),
                def.displayName(),
                def.category(),
                def.description(),
                Installation.INSTALLED,
                packs,
                Optional.of(def)));
      }
    }
    Installation absent = live == null ? Installation.UNKNOWN : Installation.NOT_INSTALLED;
    for (String nodeType : listed) {
      if (installed.add(nodeType)) {
        nodes.add(
            new Node(
                nodes.size(),
                nodeType,
                nodeType,
                "",
                "",
                absent,
                managerMap.packsProviding(nodeType),
                Optional.empty()));
      }
    }
    return new ReferenceNodeSearchIndex(nodes, live != null, live == null ? 0 : live.size());
  }

  int size() {
    return nodes.size();
  }

  int installedCount() {
    return installedCount;
  }

  boolean hasLiveCatalog() {
    return liveCatalog;
  }

  List<NodeMatch> search(String query, int limit, boolean installedOnly) {
    String queryKey = SearchText.key(query);
    List<NodeMatch> out = new ArrayList<>();
    if (queryKey.isEmpty() || limit <= 0) {
      return out;
    }
    Set<Node> answered = new HashSet<>();
    List<Node> open = new ArrayList<>();
    for (Node n : nodes) {
      if (!installedOnly || n.installation == Installation.INSTALLED) {
        open.add(n);
      }
    }

    tier(out, limit, answered, open, Tier.EXACT, n -> exactScore(n, queryKey));
    if (out.size() >= limit) {
      return out;
    }
    tier(out, limit, answered, open, Tier.PREFIX, n -> prefixScore(n, queryKey));
    if (out.size() >= limit) {
      return out;
    }
    List<Word> words = words(query);
    if (words.isEmpty()) {
      return out;
    }
    boolean infix = words.size() == 1 && queryKey.length() >= 5;
    List<int[]> exact = new Scorer(false).wordWeights(words);
    tier(
        out,
        limit,
        answered,
        open,
        Tier.TOKEN,
        n -> Math.max(allWords(n, exact), infix && infix(n, queryKey) ? 60 : 0));
    if (out.size() >= limit) {
      return out;
    }

    boolean someUnknown = words.stream().anyMatch(this::unknown);
    List<int[]> typos = someUnknown ? new Scorer(true).wordWeights(words) : exact;
    Map<Node, Integer> full = new LinkedHashMap<>();
    if (someUnknown) {
      for (Node n : open) {
        int score = answered.contains(n) ? 0 : allWords(n, typos);
        if (score > 0) {
          full.put(n, score);
        }
      }
    }
    int room = limit - out.size();
    boolean partial = words.size() > 1 && full.size() < room;
    int n2 = words.size() * words.size();
    tier(
        out,
        limit,
        answered,
        open,
        Tier.FUZZY,
        n -> {
          Integer whole = full.get(n);
          if (whole != null) {
            return whole;
          }
          if (!partial) {
            return 0;
          }
          int sum = 0;
          int matched = 0;
          for (int[] weights : typos) {
            int weight = weights[n.order];
            if (weight > 0) {
              sum += weight;
              matched++;
            }
          }
          return matched == 0 ? 0 : Math.max(1, sum * matched / (3 * n2));
        });
    return out;
  }

  /** Scores every open node type not yet answered; the best of them join the answer. */
  private static void tier(
      List<NodeMatch> out,
      int limit,
      Set<Node> answered,
      List<Node> open,
      Tier tier,
      ToIntFunction<Node> score) {
    List<Scored> found = new ArrayList<>();
    for (Node n : open) {
      if (!answered.contains(n)) {
        int s = score.applyAsInt(n);
        if (s > 0) {
          found.add(new Scored(n, s));
        }
      }
    }
    found.sort(
        Comparator.comparingInt(Scored::rankScore)
            .reversed()
            .thenComparing(Scored::node, NAME_ORDER));
    for (Scored s : found.subList(0, Math.min(found.size(), limit - out.size()))) {
      out.add(s.node.match(tier, s.score));
      answered.add(s.node);
    }
  }

  /** A node type's score in a tier. */
  private record Scored(Node node, int score) {
    int rankScore() {
      return score + (node.installation == Installation.INSTALLED ? 25 : 0);
    }
  }

  private static int exactScore(Node n, String queryKey) {
    return Math.max(
        n.classKey.equals(queryKey) ? 1000 : 0, n.displayKey.equals(queryKey) ? 900 : 0);
  }

  private static int prefixScore(Node n, String queryKey) {
    int best = 0;
    for (String key : List.of(n.classKey, n.displayKey)) {
      if (!key.isEmpty() && key.startsWith(queryKey)) {
        best = Math.max(best, 800 - Math.min(700, key.length() - queryKey.length()));
      }
    }
    return best;
  }

  private static boolean infix(Node n, String queryKey) {
    for (String key : List.of(n.classKey, n.displayKey)) {
      if (key.contains(queryKey) && !key.startsWith(queryKey)) {
        return true;
      }
    }
    return false;
  }

  private boolean unknown(Word w) {
    if (startsSomeTerm(w.lower)) {
      return false;
    }
    return w.parts.size() < 2 || !w.parts.stream().allMatch(this::startsSomeTerm);
  }

  private boolean startsSomeTerm(String token) {
    for (String term : vocabulary) {
      if (term.startsWith(token)) {
        return true;
      }
    }
    return false;
  }

  private static int allWords(Node n, List<int[]> wordWeights) {
    int sum = 0;
    for (int[] weights : wordWeights) {
      int weight = weights[n.order];
      if (weight == 0) {
        return 0;
      }
      sum += weight;
    }
    return sum / wordWeights.size();
  }

  /** The query's words, as the rules above cut them. */
  private static List<Word> words(String query) {
    List<String> runs = new ArrayList<>();
    StringBuilder run = new StringBuilder();
    for (char c : (query + " ").toCharArray()) {
      if (Character.isLetterOrDigit(c)) {
        run.append(c);
      } else if (run.length() > 0) {
        runs.add(run.toString());
        run.setLength(0);
      }
    }
    List<Word> all = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String raw : runs) {
      String lower = raw.toLowerCase(Locale.ROOT);
      if (seen.add(lower)) {
        List<String> parts = SearchText.camelParts(raw);
        all.add(new Word(lower, parts.subList(0, Math.min(6, parts.size()))));
      }
    }
    List<Word> kept = all.stream().filter(w -> !SearchText.isStopWord(w.lower)).toList();
    if (kept.isEmpty()) {
      kept = all;
    }
    return kept.subList(0, Math.min(8, kept.size()));
  }

  /**
   * Word weights for one query, with or without typos: for each word, every node type's weight,
   * computed by a scan of all node types the first time the word is asked about; for each token,
   * how it matches each vocabulary term, computed by a scan of the whole vocabulary.
   */
  private final class Scorer {
    private final boolean typos;
    private final Map<String, int[]> kindsByToken = new HashMap<>();

    Scorer(boolean typos) {
      this.typos = typos;
    }

    /** For each word, every node type's weight, by node order. */
    List<int[]> wordWeights(List<Word> words) {
      return words.stream().map(this::weights).toList();
    }

    private int[] weights(Word w) {
      int[] whole = kindsByToken.computeIfAbsent(w.lower, this::kinds);
      List<int[]> parts = new ArrayList<>();
      if (w.parts.size() >= 2) {
        w.parts.forEach(part -> parts.add(kindsByToken.computeIfAbsent(part, this::kinds)));
      }
      int[] weights = new int[nodes.size()];
      for (Node n : nodes) {
        int partSum = 0;
        for (int[] part : parts) {
          int weight = tokenWeight(n, part);
          if (weight == 0) {
            partSum = 0;
            break;
          }
          partSum += weight;
        }
        weights[n.order] = Math.max(tokenWeight(n, whole), partSum / Math.max(1, parts.size()));
      }
      return weights;
    }

    private static int tokenWeight(Node n, int[] kinds) {
      int best = 0;
      for (int i = 0; i < n.termNumbers.length; i++) {
        int kind = kinds[n.termNumbers[i]];
        if (kind != NO_MATCH) {
          best = Math.max(best, WEIGHTS[kind][n.termFields[i]]);
        }
      }
      return best;
    }

    /** How {@code token} matches each vocabulary term, by term number. */
    private int[] kinds(String token) {
      int[] kinds = new int[vocabulary.length];
      Arrays.fill(kinds, NO_MATCH);
      boolean isTerm = Arrays.asList(vocabulary).contains(token);
      int prefixes = 0;
      int d = token.length() <= 7 ? 1 : 2;
      for (int v = 0; v < vocabulary.length; v++) {
        String term = vocabulary[v];
        if (term.equals(token)) {
          kinds[v] = EQUALS;
        } else if (term.startsWith(token)) {
          if (token.length() >= 3 && prefixes++ < 4096) {
            kinds[v] = PREFIX;
          }
        } else if (typos
            && !isTerm
            && token.length() >= 4
            && Math.abs(term.length() - token.length()) <= d
            && distance(token, term) <= d
            && sharedTrigrams(token, term) >= Math.max(1, distinctTrigrams(token).size() - 4 * d)) {
          kinds[v] = TYPO;
        }
      }
      return kinds;
    }
  }

  private static Set<Integer> distinctTrigrams(String s) {
    Set<Integer> grams = new HashSet<>();
    for (int g : SearchText.paddedTrigrams(s)) {
      grams.add(g);
    }
    return grams;
  }

  private static int sharedTrigrams(String token, String term) {
    Set<Integer> mine = distinctTrigrams(token);
    mine.retainAll(distinctTrigrams(term));
    return mine.size();
  }

  /** Optimal string alignment distance, the full table. */
  private static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }

  private record Word(String lower, List<String> parts) {}

  /** A node type, its keys and its terms with the best field of each. */
  private static final class Node {
    final int order;
    final String classType;
    final String displayName;
    final String category;
    final String description;
    final Installation installation;
    final List<NodePack> packs;
    final Optional<NodeDefinition> definition;
    final String classKey;
    final String displayKey;
    final Map<String, Integer> terms = new HashMap<>();
    int[] termNumbers;
    int[] termFields;

    Node(
        int order,
        String classType,
        String displayName,
        String category,
        String description,
        Installation installation,
        List<NodePack> packs,
        Optional<NodeDefinition> definition) {
      this.order = order;
      this.classType = classType;
      this.displayName = displayName;
      this.category = category;
      this.description = description;
      this.installation = installation;
      this.packs = packs;
      this.definition = definition;
      this.classKey = SearchText.key(classType);
      this.displayKey = SearchText.key(displayName);
      for (String key : List.of(classKey, displayKey)) {
        if (!key.isEmpty()) {
          add(key, NAME);
        }
      }
      SearchText.tokens(classType).forEach(t -> add(t, NAME));
      SearchText.tokens(displayName).forEach(t -> add(t, NAME));
      SearchText.tokens(category).forEach(t -> add(t, CATEGORY));
      descriptionWords(description).forEach(t -> add(t, DESCRIPTION));
      if (!packs.isEmpty()) {
        SearchText.tokens(packs.get(0).title()).forEach(t -> add(t, PACK));
        descriptionWords(packs.get(0).description()).forEach(t -> add(t, DESCRIPTION));
      }
    }

    private static List<String> descriptionWords(String text) {
      List<String> words = SearchText.words(text);
      return words.subList(0, Math.min(64, words.size())).stream()
          .filter(w -> !SearchText.isStopWord(w))
          .toList();
    }

    void numberTerms(Map<String, Integer> number) {
      termNumbers = new int[terms.size()];
      termFields = new int[terms.size()];
      int i = 0;
      for (Map.Entry<String, Integer> term : terms.entrySet()) {
        termNumbers[i] = number.get(term.getKey());
        termFields[i++] = term.getValue();
      }
    }

    private void add(String term, int field) {
      terms.merge(term, field, Math::min);
    }

    NodeMatch match(Tier tier, int score) {
      return new NodeMatch(
          classType,
          displayName,
          category,
          description,
          installation,
          packs,
          tier,
          score,
          definition);
    }
  }
}
