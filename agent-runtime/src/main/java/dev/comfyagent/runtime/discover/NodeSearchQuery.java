package dev.comfyagent.runtime.discover;

import static dev.comfyagent.runtime.discover.SearchTerms.CATEGORY;
import static dev.comfyagent.runtime.discover.SearchTerms.NAME;
import static dev.comfyagent.runtime.discover.SearchTerms.PACK;

import dev.comfyagent.runtime.discover.NodeMatch.Installation;
import dev.comfyagent.runtime.discover.NodeMatch.Tier;
import dev.comfyagent.runtime.discover.QueryScratch.Hits;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * One search over a {@link NodeSearchIndex}: collects matches tier by tier until {@code limit} are
 * found, each tier touching only the index entries the query's words lead to.
 *
 * <h2>The ranking rules</h2>
 *
 * <p>A node's <em>keys</em> are the {@link SearchText#key}s of its class name and display name; its
 * <em>terms</em> are the words {@link SearchTermsBuilder} cuts from its text, each in the best
 * field it has it in (name &gt; category &gt; pack title &gt; description). The query's key is the
 * {@link SearchText#key} of the whole query; its <em>words</em> are its runs of letters and digits,
 * lower case, without repeats, stop words dropped unless nothing else is left, at most {@value
 * #MAX_WORDS}, each with its {@link SearchText#camelParts} (at most six).
 *
 * <ol>
 *   <li><b>Exact</b>: a key equals the query's key: 1000 for the class name, 900 for the display
 *       name.
 *   <li><b>Prefix</b>: a key starts with the query's key: 800 less the extra length (at most 700
 *       less).
 *   <li><b>Token</b>: every word matches a term, scored as the mean of the words' weights. A word's
 *       weight is the best of: its matches, and when it has several CamelCase parts that all match,
 *       the mean of theirs. A word (or part) matches a term equal to it, or of which it is a prefix
 *       when at least 3 long (only among the first {@value #MAX_PREFIX_EXPANSION} terms of the
 *       index it starts, in term order); weights by kind and field are in {@link #WEIGHTS}. A
 *       one-word query whose key is at least 5 long also matches names whose key contains it
 *       elsewhere than at the start: {@value #INFIX_NAME_WEIGHT}, or the word weight if higher.
 *   <li><b>Fuzzy</b>, only when some word may be a typo (no term starts with it nor with each of
 *       its parts): the token rule again with typos allowed: a word (or part) of at least 4 chars
 *       that is no term also matches terms that do not start with it, within 1 edit (2 when longer
 *       than 7; optimal string alignment, so a swap of neighbours, {@code sapmler} for {@code
 *       sampler}, is one edit and a swap of two chars further apart is two) and sharing all but 4
 *       per allowed edit of its distinct padded trigrams ({@link SearchText#paddedTrigrams}; an
 *       insertion, deletion or substitution changes at most three of them, a swap of neighbours
 *       four), at least one (so a 4-char word with its middle two swapped, which shares none, is
 *       not found). Then, for a query of several words, when those full matches leave room, nodes
 *       matching only some words join at their summed word weights times the number of words
 *       matched over 3 n&sup2; (at least 1).
 * </ol>
 *
 * <p>A node is answered once, in the first tier it matches; within a tier an installed node gains
 * {@value #INSTALLED_BONUS} for ordering (its reported score does not), and equal ones go by {@link
 * NameOrder}. With {@code installedOnly} the other nodes are left out of every tier.
 *
 * <p>Used once and thrown away; not thread-safe (its {@link QueryScratch} is its own).
 */
final class NodeSearchQuery {

  private static final int EXACT_WORD = 0;
  private static final int PREFIX_WORD = 1;
  private static final int FUZZY_WORD = 2;

  /**
   * Weight of a word match by kind (exact, prefix, fuzzy: rows) and field (name, category, pack
   * title, description: columns).
   */
  static final int[][] WEIGHTS = {
    {100, 40, 30, 20},
    {70, 28, 20, 14},
    {40, 16, 12, 8},
  };

  static final int INFIX_NAME_WEIGHT = 60;
  static final int INSTALLED_BONUS = 25;
  static final int MAX_WORDS = 8;
  static final int MAX_PREFIX_EXPANSION = 4096;

  /** The most padded trigrams of a word one edit changes (a swap of neighbours). */
  static final int TRIGRAMS_PER_EDIT = 4;

  private final QueryScratch s;
  private final NodeSearchIndex index;
  private final SearchTerms terms;
  private final String[] vocab;
  private final String queryKey;
  private final String query;
  private final int limit;
  private final boolean installedOnly;
  private final List<NodeMatch> out = new ArrayList<>();

  NodeSearchQuery(
      NodeSearchIndex index,
      QueryScratch s,
      String queryKey,
      String query,
      int limit,
      boolean installedOnly) {
    this.index = index;
    this.terms = index.terms;
    this.vocab = terms.vocab;
    this.s = s;
    this.queryKey = queryKey;
    this.query = query;
    this.limit = limit;
    this.installedOnly = installedOnly;
    s.newQuery();
  }

  List<NodeMatch> run() {
    Hits tier = s.hits(0);
    int exact = Arrays.binarySearch(vocab, queryKey);
    if (exact >= 0) {
      for (int i = terms.keyOffsets[exact]; i < terms.keyOffsets[exact + 1]; i++) {
        int keyEntry = terms.keyEntries[i];
        offer(tier, keyEntry >>> 1, (keyEntry & 1) != 0 ? 1000 : 900);
      }
    }
    drain(tier, Tier.EXACT);
    if (full()) {
      return out;
    }

    int from = exact >= 0 ? exact : -exact - 1;
    for (int v = from; v < vocab.length && vocab[v].startsWith(queryKey); v++) {
      int score = 800 - Math.min(700, terms.vocabLength[v] - queryKey.length());
      for (int i = terms.keyOffsets[v]; i < terms.keyOffsets[v + 1]; i++) {
        offer(tier, terms.keyEntries[i] >>> 1, score);
      }
    }
    drain(tier, Tier.PREFIX);
    if (full()) {
      return out;
    }

    List<Word> words = queryWords(query);
    if (words.isEmpty()) {
      return out;
    }
    matchAll(words, false, tier);
    if (words.size() == 1 && queryKey.length() >= 5) {
      infix(tier);
    }
    drain(tier, Tier.TOKEN);
    if (full()) {
      clearWords(words.size());
      return out;
    }

    // Words the index knows matched the same way already; only unknown words may be typos.
    if (words.stream().anyMatch(this::unknown)) {
      clearWords(words.size());
      matchAll(words, true, tier);
    }
    if (words.size() > 1 && tier.count < limit - out.size()) {
      partial(words.size(), tier);
    }
    clearWords(words.size());
    drain(tier, Tier.FUZZY);
    return out;
  }

  /**
   * Whether the word may be a typo: neither it nor all of its CamelCase parts are words of the
   * index or the start of one ({@code controlnet} starts {@code controlnetapply}).
   */
  private boolean unknown(Word word) {
    if (known(word.lower())) {
      return false;
    }
    return word.parts().size() < 2 || !word.parts().stream().allMatch(this::known);
  }

  private boolean known(String token) {
    return terms.hasTermStartingWith(token);
  }

  private void clearWords(int n) {
    for (int w = 0; w < n; w++) {
      s.hits(1 + w).clear();
    }
  }

  private boolean full() {
    return out.size() >= limit;
  }

  private boolean eligible(int id) {
    return s.taken[id] != s.generation
        && (!installedOnly || index.nodes[id].installation == Installation.INSTALLED);
  }

  private void offer(Hits tier, int id, int score) {
    if (eligible(id)) {
      tier.put(id, score);
    }
  }

  /** Moves the best of {@code tier} to the results, in rank order, and clears it. */
  private void drain(Hits tier, Tier kind) {
    int room = limit - out.size();
    TopK top = s.top(room);
    for (int i = 0; i < tier.count; i++) {
      int id = tier.ids[i];
      int score = tier.weight[id];
      int adjusted =
          score + (index.nodes[id].installation == Installation.INSTALLED ? INSTALLED_BONUS : 0);
      top.offer(((long) ((1 << 20) - adjusted) << 32) | index.tieRank[id], id, score);
    }
    tier.clear();
    for (int k = 0; k < top.size(); k++) {
      int id = top.idAt(k);
      s.taken[id] = s.generation;
      out.add(match(id, kind, top.scoreAt(k)));
    }
  }

  /**
   * Entries matching every word; {@code fuzzy} also accepts words one or two typos away. Leaves
   * each word's hits in slots {@code 1..n} for {@link #partial}; callers clear them.
   */
  private void matchAll(List<Word> words, boolean fuzzy, Hits into) {
    int n = words.size();
    Hits[] perWord = new Hits[n];
    for (int w = 0; w < n; w++) {
      perWord[w] = s.hits(1 + w);
      matchWord(words.get(w), fuzzy, perWord[w]);
    }
    Hits driver = perWord[0];
    for (Hits h : perWord) {
      if (h.count < driver.count) {
        driver = h;
      }
    }
    for (int i = 0; i < driver.count; i++) {
      int id = driver.ids[i];
      if (!eligible(id)) {
        continue;
      }
      int sum = 0;
      boolean all = true;
      for (Hits h : perWord) {
        int w = h.weight[id];
        if (w == 0) {
          all = false;
          break;
        }
        sum += w;
      }
      if (all) {
        into.put(id, sum / n);
      }
    }
  }

  /**
   * Entries matching some of the {@code n} words, from the per-word hits {@link #matchAll} left.
   */
  private void partial(int n, Hits into) {
    Hits sum = s.hits(1 + n);
    int[] covered = s.counts;
    for (int w = 0; w < n; w++) {
      Hits h = s.hits(1 + w);
      for (int i = 0; i < h.count; i++) {
        int id = h.ids[i];
        if (eligible(id) && into.weight[id] == 0) {
          if (sum.weight[id] == 0) {
            covered[id] = 0;
          }
          sum.put(id, sum.weight[id] + h.weight[id]);
          covered[id]++;
        }
      }
    }
    for (int i = 0; i < sum.count; i++) {
      int id = sum.ids[i];
      // A third of the average weight per word, scaled by how many words matched.
      into.put(id, Math.max(1, sum.weight[id] * covered[id] / (n * n * 3)));
    }
    sum.clear();
  }

  private void matchWord(Word word, boolean fuzzy, Hits into) {
    matchToken(word.lower(), fuzzy, into);
    List<String> parts = word.parts();
    if (parts.size() < 2) {
      return;
    }
    int base = 1 + MAX_WORDS + 2;
    Hits[] perPart = new Hits[parts.size()];
    for (int p = 0; p < parts.size(); p++) {
      perPart[p] = s.hits(base + p);
      matchToken(parts.get(p), fuzzy, perPart[p]);
    }
    Hits driver = perPart[0];
    for (Hits h : perPart) {
      if (h.count < driver.count) {
        driver = h;
      }
    }
    for (int i = 0; i < driver.count; i++) {
      int id = driver.ids[i];
      int sum = 0;
      boolean all = true;
      for (Hits h : perPart) {
        if (h.weight[id] == 0) {
          all = false;
          break;
        }
        sum += h.weight[id];
      }
      if (all) {
        into.put(id, sum / perPart.length);
      }
    }
    for (Hits h : perPart) {
      h.clear();
    }
  }

  private void matchToken(String token, boolean fuzzy, Hits into) {
    int at = Arrays.binarySearch(vocab, token);
    if (at >= 0) {
      addPosting(at, EXACT_WORD, into);
    }
    if (token.length() >= 3) {
      int from = at >= 0 ? at + 1 : -at - 1;
      for (int v = from, n = 0;
          v < vocab.length && n < MAX_PREFIX_EXPANSION && vocab[v].startsWith(token);
          v++, n++) {
        addPosting(v, PREFIX_WORD, into);
      }
    }
    // Only a word the index does not know is taken for a typo.
    if (fuzzy && at < 0 && token.length() >= 4) {
      fuzzyToken(token, into);
    }
  }

  private void fuzzyToken(String token, Hits into) {
    int length = token.length();
    // One typo in short words, two in long ones; more would match unrelated words.
    int maxDistance = length <= 7 ? 1 : 2;
    int[] grams = distinct(SearchText.paddedTrigrams(token));
    // A word within d edits of the token shares all but at most 4d of its trigrams: a swap of
    // neighbours changes the four trigrams that hold either char (other edits change three).
    int needed = Math.max(1, grams.length - TRIGRAMS_PER_EDIT * maxDistance);
    int[] shared = s.vocabCounts;
    int[] touched = s.vocabTouched;
    int touchedCount = 0;
    int[] ids = terms.trigrams.ids;
    for (int g : grams) {
      int at = terms.trigrams.find(g);
      if (at < 0) {
        continue;
      }
      for (int i = terms.trigrams.offsets[at], end = terms.trigrams.offsets[at + 1]; i < end; i++) {
        int v = ids[i];
        if (Math.abs(terms.vocabLength[v] - length) <= maxDistance && shared[v]++ == 0) {
          touched[touchedCount++] = v;
        }
      }
    }
    for (int i = 0; i < touchedCount; i++) {
      int v = touched[i];
      if (shared[v] >= needed
          && !vocab[v].startsWith(token)
          && SearchText.boundedDistance(token, vocab[v], maxDistance) <= maxDistance) {
        addPosting(v, FUZZY_WORD, into);
      }
      shared[v] = 0;
    }
  }

  private void addPosting(int v, int kind, Hits into) {
    int[] weights = WEIGHTS[kind];
    for (int j = terms.postingOffsets[v], end = terms.postingOffsets[v + 1]; j < end; j++) {
      into.put(terms.postingIds[j], weightOf(weights, terms.postingFields[j]));
    }
  }

  /** Names that contain the whole query ({@code textencode} in {@code cliptextencode}). */
  private void infix(Hits into) {
    int[] grams = distinct(SearchText.innerTrigrams(queryKey));
    int[] at = new int[grams.length];
    for (int i = 0; i < grams.length; i++) {
      at[i] = terms.trigrams.find(grams[i]);
      if (at[i] < 0) {
        return;
      }
    }
    // Start from the rarest trigram and keep the terms that have the next rarest ones too.
    Integer[] order = new Integer[at.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = at[i];
    }
    Arrays.sort(order, Comparator.comparingInt(terms.trigrams::length));
    int[] candidates = s.termCandidates;
    int first = order[0];
    int count = terms.trigrams.length(first);
    System.arraycopy(terms.trigrams.ids, terms.trigrams.offsets[first], candidates, 0, count);
    for (int i = 1; i < Math.min(order.length, 4) && count > 0; i++) {
      count = intersect(candidates, count, terms.trigrams, order[i]);
    }
    for (int i = 0; i < count; i++) {
      int v = candidates[i];
      if (terms.keyOffsets[v] < terms.keyOffsets[v + 1]
          && vocab[v].contains(queryKey)
          && !vocab[v].startsWith(queryKey)) {
        for (int j = terms.keyOffsets[v]; j < terms.keyOffsets[v + 1]; j++) {
          int id = terms.keyEntries[j] >>> 1;
          if (eligible(id)) {
            into.put(id, INFIX_NAME_WEIGHT);
          }
        }
      }
    }
  }

  private static int weightOf(int[] weights, byte fields) {
    if ((fields & NAME) != 0) {
      return weights[0];
    }
    if ((fields & CATEGORY) != 0) {
      return weights[1];
    }
    if ((fields & PACK) != 0) {
      return weights[2];
    }
    return weights[3];
  }

  /** Keeps in {@code a[0..count)} the values also in row {@code at} of {@code grams}. */
  private static int intersect(int[] a, int count, TrigramIndex grams, int at) {
    int[] b = grams.ids;
    int i = 0;
    int j = grams.offsets[at];
    int end = grams.offsets[at + 1];
    int kept = 0;
    while (i < count && j < end) {
      if (a[i] < b[j]) {
        i++;
      } else if (a[i] > b[j]) {
        j++;
      } else {
        a[kept++] = a[i];
        i++;
        j++;
      }
    }
    return kept;
  }

  private static int[] distinct(int[] values) {
    int[] copy = values.clone();
    Arrays.sort(copy);
    int n = 0;
    for (int i = 0; i < copy.length; i++) {
      if (i == 0 || copy[i] != copy[i - 1]) {
        copy[n++] = copy[i];
      }
    }
    return Arrays.copyOf(copy, n);
  }

  /** The query's words: lower case, each with its CamelCase parts; stop words dropped. */
  static List<Word> queryWords(String query) {
    List<Word> words = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    StringBuilder raw = new StringBuilder();
    for (int i = 0; i <= query.length(); i++) {
      char c = i < query.length() ? query.charAt(i) : ' ';
      if (Character.isLetterOrDigit(c)) {
        raw.append(c);
      } else if (raw.length() > 0) {
        String lower = raw.toString().toLowerCase(Locale.ROOT);
        if (seen.add(lower)) {
          List<String> parts = SearchText.camelParts(raw.toString());
          words.add(new Word(lower, parts.size() > 6 ? parts.subList(0, 6) : parts));
        }
        raw.setLength(0);
      }
    }
    List<Word> meaningful = words.stream().filter(w -> !SearchText.isStopWord(w.lower())).toList();
    List<Word> chosen = meaningful.isEmpty() ? words : meaningful;
    return chosen.size() > MAX_WORDS ? chosen.subList(0, MAX_WORDS) : chosen;
  }

  /** The match of entry {@code id}: its names, installation, packs and live definition. */
  private NodeMatch match(int id, Tier tier, int score) {
    IndexedNode e = index.nodes[id];
    NodeDefinition definition = id < index.definitions.length ? index.definitions[id] : null;
    return new NodeMatch(
        e.classType,
        e.displayName,
        e.category,
        e.description,
        e.installation,
        e.packs(),
        tier,
        score,
        Optional.ofNullable(definition));
  }

  /** A query word with its CamelCase parts. */
  record Word(String lower, List<String> parts) {}
}
