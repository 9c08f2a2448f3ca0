package dev.comfyagent.runtime.discover;

import dev.comfyagent.runtime.discover.NodeMatch.Installation;
import dev.comfyagent.runtime.discover.NodeMatch.Tier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A search index over the node types of one live catalog and one ComfyUI-Manager map, built once
 * and then queried many times: ranked exact &gt; prefix &gt; token &gt; fuzzy, each query touching
 * only the index entries its words lead to (no scan of all node types, no regular expressions).
 *
 * <p>Usage:
 *
 * <pre>{@code
 * NodeSearchIndex index = NodeSearchIndex.build(catalog.definitions(), managerMap);
 * List<NodeMatch> top = index.search("upscale model", 20, false);
 * top.get(0).tier();          // EXACT, PREFIX, TOKEN or FUZZY
 * top.get(0).installation();  // INSTALLED, NOT_INSTALLED or UNKNOWN
 * }</pre>
 *
 * <p>What is indexed: class names and display names (as whole keys for exact, prefix and substring
 * matches, and as words split at CamelCase), categories, node descriptions, and for node types
 * known from ComfyUI-Manager the pack's title and description.
 *
 * <p>Immutable and thread-safe; each concurrent query borrows its own scratch arrays from a pool.
 */
public final class NodeSearchIndex {

  static final int NAME = 1;
  static final int CATEGORY = 2;
  static final int PACK = 4;
  static final int DESCRIPTION = 8;

  private static final int EXACT_WORD = 0;
  private static final int PREFIX_WORD = 1;
  private static final int FUZZY_WORD = 2;

  /** Weight of a word match by kind (exact, prefix, fuzzy) and field (name, category, ...). */
  private static final int[][] WEIGHTS = {
    {100, 40, 30, 20},
    {70, 28, 20, 14},
    {40, 16, 12, 8},
  };

  private static final int INFIX_NAME_WEIGHT = 60;
  private static final int INSTALLED_BONUS = 25;
  private static final int MAX_WORDS = 8;
  private static final int MAX_PREFIX_EXPANSION = 4096;
  private static final int MAX_DESCRIPTION_WORDS = 64;

  /** Bits of an entry id in the numbers {@link #tieRanks} sorts (a 42-bit name key above). */
  private static final int ID_BITS = 21;

  private static final long ID_MASK = (1L << ID_BITS) - 1;

  /** Node types by entry id; the live catalog's come first, in its order (ids 0 .. n - 1). */
  private final Entry[] entries;

  /** The live catalog's definitions by entry id: {@code definitions[id]} for installed ids. */
  private final NodeDefinition[] definitions;

  private final int[] tieRank;
  private final boolean liveCatalog;
  private final int installedCount;

  /**
   * The terms: words of names, categories, packs and descriptions, and class names and display
   * names as whole keys ({@link SearchText#key}; every key is also a word of its name), distinct
   * and sorted. Each term has two rows, both possibly empty:
   *
   * <ul>
   *   <li>the entries having it as a word, {@code postingIds[postingOffsets[v] .. postingOffsets[v
   *       + 1])}, ascending, with the fields they have it in at the same places of {@code
   *       postingFields};
   *   <li>the entries having it as a key, {@code keyEntries[keyOffsets[v] .. keyOffsets[v + 1])},
   *       each an entry id shifted left once, its low bit set when the term is the entry's class
   *       name (else it is its display name).
   * </ul>
   */
  private final String[] vocab;

  private final int[] vocabLength;
  private final int[] postingOffsets;
  private final int[] postingIds;
  private final byte[] postingFields;
  private final int[] keyOffsets;
  private final int[] keyEntries;

  /**
   * The trigrams of the terms at least 3 long, padded: for typos (a term near a query word shares
   * most of its trigrams) and for names containing the query (a key holding it has every trigram
   * inside it).
   */
  private final TrigramIndex vocabTrigrams;

  private final ConcurrentLinkedQueue<Scratch> scratchPool = new ConcurrentLinkedQueue<>();

  private NodeSearchIndex(Builder b) {
    this.entries = b.entries.toArray(new Entry[0]);
    this.definitions = b.definitions;
    this.liveCatalog = b.liveCatalog;
    this.installedCount = b.definitions.length;
    this.tieRank = tieRanks(entries);
    b.finish();
    this.keyOffsets = b.keyOffsets;
    this.keyEntries = b.keyEntries;
    this.vocab = b.vocab;
    this.vocabLength = new int[vocab.length];
    for (int v = 0; v < vocab.length; v++) {
      vocabLength[v] = vocab[v].length();
    }
    this.postingOffsets = b.postingOffsets;
    this.postingIds = b.postingIds;
    this.postingFields = b.postingFields;
    this.vocabTrigrams = TrigramIndex.padded(vocab, 3);
  }

  /** The same index over a live catalog whose searchable text is that of {@code original}'s. */
  private NodeSearchIndex(NodeSearchIndex original, NodeDefinition[] definitions) {
    this.entries = original.entries;
    this.definitions = definitions;
    this.liveCatalog = original.liveCatalog;
    this.installedCount = original.installedCount;
    this.tieRank = original.tieRank;
    this.keyOffsets = original.keyOffsets;
    this.keyEntries = original.keyEntries;
    this.vocab = original.vocab;
    this.vocabLength = original.vocabLength;
    this.postingOffsets = original.postingOffsets;
    this.postingIds = original.postingIds;
    this.postingFields = original.postingFields;
    this.vocabTrigrams = original.vocabTrigrams;
  }

  /**
   * Builds the index.
   *
   * @param live the live catalog's definitions, or {@code null} when ComfyUI could not be asked
   *     (every node type is then of {@link Installation#UNKNOWN} installation)
   * @param managerMap ComfyUI-Manager's map (may know nothing)
   */
  public static NodeSearchIndex build(NodeDefinitions live, ManagerNodeMap managerMap) {
    return new NodeSearchIndex(new Builder(live, managerMap));
  }

  /**
   * The index over the installed node types of {@code live} alone, as {@link #build} makes it with
   * a map that knows nothing: what a search answers from while ComfyUI-Manager's map is read.
   */
  static NodeSearchIndex buildInstalledOnly(NodeDefinitions live) {
    return new NodeSearchIndex(new Builder(live, null));
  }

  /**
   * This index serving the definitions of {@code live}, a newer copy of the live catalog, when
   * everything searchable in it is as in the catalog the index was built from: the same node types
   * in the same order with the same class names, display names, categories and descriptions. A
   * refresh that changed nothing, or only inputs (a new model file in a choice list), then costs no
   * rebuild, and matches carry the new definitions. Empty when anything searchable changed, or when
   * either side has no live catalog; the index must then be built again.
   */
  Optional<NodeSearchIndex> withLiveDefinitions(NodeDefinitions live) {
    if (!liveCatalog || live == null || live.size() != definitions.length) {
      return Optional.empty();
    }
    NodeDefinition[] fresh = live.all().toArray(new NodeDefinition[0]);
    for (int id = 0; id < fresh.length; id++) {
      NodeDefinition def = fresh[id];
      Entry e = entries[id];
      if (!def.classType().equals(e.classType)
          || !def.displayName().equals(e.displayName)
          || !def.category().equals(e.category)
          || !def.description().equals(e.description)) {
        return Optional.empty();
      }
    }
    return Optional.of(new NodeSearchIndex(this, fresh));
  }

  /** Whether both indexes share their search structures (one is the other with new definitions). */
  boolean sharesStructureWith(NodeSearchIndex other) {
    return other.postingIds == postingIds && other.entries == entries;
  }

  /** Number of node types indexed. */
  public int size() {
    return entries.length;
  }

  /** Number of indexed node types the connected ComfyUI has. */
  public int installedCount() {
    return installedCount;
  }

  /** Whether the index was built with a live catalog (so "not installed" is known). */
  public boolean hasLiveCatalog() {
    return liveCatalog;
  }

  /**
   * The best matches of {@code query}, at most {@code limit}, ordered by tier and then score; an
   * installed node ranks a little higher than an equal one that is not installed.
   *
   * @param query any text: a class name, a display name, words of a description; case, spaces and
   *     punctuation do not matter
   * @param installedOnly whether to leave out node types the connected ComfyUI does not have
   */
  public List<NodeMatch> search(String query, int limit, boolean installedOnly) {
    String queryKey = SearchText.key(query);
    if (queryKey.isEmpty() || limit <= 0) {
      return List.of();
    }
    Scratch s = borrow();
    try {
      return new Query(s, queryKey, query, limit, installedOnly).run();
    } finally {
      scratchPool.offer(s);
    }
  }

  private Scratch borrow() {
    Scratch s = scratchPool.poll();
    return s != null ? s : new Scratch(entries.length, vocab.length);
  }

  /** One query's run: collects results tier by tier until {@code limit} are found. */
  private final class Query {
    private final Scratch s;
    private final String queryKey;
    private final String query;
    private final int limit;
    private final boolean installedOnly;
    private final List<NodeMatch> out = new ArrayList<>();

    Query(Scratch s, String queryKey, String query, int limit, boolean installedOnly) {
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
        for (int i = keyOffsets[exact]; i < keyOffsets[exact + 1]; i++) {
          int keyEntry = keyEntries[i];
          offer(tier, keyEntry >>> 1, (keyEntry & 1) != 0 ? 1000 : 900);
        }
      }
      drain(tier, Tier.EXACT);
      if (full()) {
        return out;
      }

      int from = exact >= 0 ? exact : -exact - 1;
      for (int v = from; v < vocab.length && vocab[v].startsWith(queryKey); v++) {
        int score = 800 - Math.min(700, vocabLength[v] - queryKey.length());
        for (int i = keyOffsets[v]; i < keyOffsets[v + 1]; i++) {
          offer(tier, keyEntries[i] >>> 1, score);
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
      int at = lowerBound(vocab, token);
      return at < vocab.length && vocab[at].startsWith(token);
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
          && (!installedOnly || entries[id].installation == Installation.INSTALLED);
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
            score + (entries[id].installation == Installation.INSTALLED ? INSTALLED_BONUS : 0);
        top.offer(((long) ((1 << 20) - adjusted) << 32) | tieRank[id], id, score);
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
      // A word within d edits of the token shares all but at most 3d of its trigrams.
      int needed = Math.max(1, grams.length - 3 * maxDistance);
      int[] shared = s.vocabCounts;
      int[] touched = s.vocabTouched;
      int touchedCount = 0;
      int[] ids = vocabTrigrams.ids;
      for (int g : grams) {
        int at = vocabTrigrams.find(g);
        if (at < 0) {
          continue;
        }
        for (int i = vocabTrigrams.offsets[at], end = vocabTrigrams.offsets[at + 1]; i < end; i++) {
          int v = ids[i];
          if (Math.abs(vocabLength[v] - length) <= maxDistance && shared[v]++ == 0) {
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
      for (int j = postingOffsets[v], end = postingOffsets[v + 1]; j < end; j++) {
        into.put(postingIds[j], weightOf(weights, postingFields[j]));
      }
    }

    /** Names that contain the whole query ({@code textencode} in {@code cliptextencode}). */
    private void infix(Hits into) {
      int[] grams = distinct(SearchText.innerTrigrams(queryKey));
      int[] at = new int[grams.length];
      for (int i = 0; i < grams.length; i++) {
        at[i] = vocabTrigrams.find(grams[i]);
        if (at[i] < 0) {
          return;
        }
      }
      // Start from the rarest trigram and keep the terms that have the next rarest ones too.
      Integer[] order = new Integer[at.length];
      for (int i = 0; i < order.length; i++) {
        order[i] = at[i];
      }
      Arrays.sort(order, Comparator.comparingInt(vocabTrigrams::length));
      int[] candidates = s.termCandidates;
      int first = order[0];
      int count = vocabTrigrams.length(first);
      System.arraycopy(vocabTrigrams.ids, vocabTrigrams.offsets[first], candidates, 0, count);
      for (int i = 1; i < Math.min(order.length, 4) && count > 0; i++) {
        count = intersect(candidates, count, vocabTrigrams, order[i]);
      }
      for (int i = 0; i < count; i++) {
        int v = candidates[i];
        if (keyOffsets[v] < keyOffsets[v + 1]
            && vocab[v].contains(queryKey)
            && !vocab[v].startsWith(queryKey)) {
          for (int j = keyOffsets[v]; j < keyOffsets[v + 1]; j++) {
            int id = keyEntries[j] >>> 1;
            if (eligible(id)) {
              into.put(id, INFIX_NAME_WEIGHT);
            }
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

  /** Keeps in {@code a[0..count)} the values also in posting {@code at} of {@code index}. */
  private static int intersect(int[] a, int count, TrigramIndex index, int at) {
    int[] b = index.ids;
    int i = 0;
    int j = index.offsets[at];
    int end = index.offsets[at + 1];
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

  private static int lowerBound(String[] sorted, String key) {
    int at = Arrays.binarySearch(sorted, key);
    if (at < 0) {
      return -at - 1;
    }
    while (at > 0 && sorted[at - 1].equals(key)) {
      at--;
    }
    return at;
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
    Entry e = entries[id];
    NodeDefinition definition = id < definitions.length ? definitions[id] : null;
    return new NodeMatch(
        e.classType,
        e.displayName,
        e.category,
        e.description,
        e.installation,
        e.packs,
        tier,
        score,
        Optional.ofNullable(definition));
  }

  /**
   * Each entry's place when all are ordered by class name length, then class name ignoring case,
   * then id: the tie-break between matches of equal score (short names first, then A to Z).
   *
   * <p>Sorted as numbers: each entry's {@link #nameKey} with its id in the low bits, so one
   * primitive sort orders nearly all of them; only entries sharing a name key are then ordered by
   * their names, and the few names without a key are sorted apart and merged in.
   */
  private static int[] tieRanks(Entry[] entries) {
    int n = entries.length;
    long[] keyed = new long[n];
    int keyedCount = 0;
    List<Entry> unkeyed = new ArrayList<>();
    for (Entry e : entries) {
      if (e.nameKey >= 0 && e.id <= ID_MASK) {
        keyed[keyedCount++] = (e.nameKey << ID_BITS) | e.id;
      } else {
        unkeyed.add(e);
      }
    }
    Arrays.sort(keyed, 0, keyedCount);
    Entry[] order = new Entry[keyedCount];
    for (int i = 0; i < keyedCount; i++) {
      order[i] = entries[(int) (keyed[i] & ID_MASK)];
    }
    for (int i = 0, j; i < keyedCount; i = j) {
      j = i + 1;
      while (j < keyedCount && (keyed[j] >>> ID_BITS) == (keyed[i] >>> ID_BITS)) {
        j++;
      }
      if (j - i > 1) {
        // Stable: names equal but for case keep their id order.
        Arrays.sort(order, i, j, NodeSearchIndex::compareNames);
      }
    }
    if (!unkeyed.isEmpty()) {
      unkeyed.sort(NodeSearchIndex::compareNames);
      order = merge(order, unkeyed);
    }
    int[] rank = new int[n];
    for (int r = 0; r < order.length; r++) {
      rank[order[r].id] = r;
    }
    return rank;
  }

  /** Two runs in name order (ties in id order) merged into one. */
  private static Entry[] merge(Entry[] a, List<Entry> b) {
    Entry[] merged = new Entry[a.length + b.size()];
    int i = 0;
    int j = 0;
    for (int k = 0; k < merged.length; k++) {
      if (j == b.size()) {
        merged[k] = a[i++];
      } else if (i == a.length) {
        merged[k] = b.get(j++);
      } else {
        int c = compareNames(a[i], b.get(j));
        merged[k] = c < 0 || (c == 0 && a[i].id < b.get(j).id) ? a[i++] : b.get(j++);
      }
    }
    return merged;
  }

  /**
   * Class name length, then {@link String#CASE_INSENSITIVE_ORDER}. Most pairs differ in their
   * {@link #nameKey} or else their {@link #nameTail}, numbers held in the entries, and are settled
   * without reading the names; the answer is the same.
   */
  private static int compareNames(Entry a, Entry b) {
    if (a.nameKey >= 0 && b.nameKey >= 0) {
      if (a.nameKey != b.nameKey) {
        return Long.compare(a.nameKey, b.nameKey);
      }
      if (a.nameTail >= 0 && b.nameTail >= 0 && a.nameTail != b.nameTail) {
        return Long.compare(a.nameTail, b.nameTail);
      }
    }
    int byLength = Integer.compare(a.classType.length(), b.classType.length());
    if (byLength != 0) {
      return byLength;
    }
    return String.CASE_INSENSITIVE_ORDER.compare(a.classType, b.classType);
  }

  /**
   * The length of {@code name} and its first five chars, in one number: two names whose numbers
   * differ compare as the numbers do by length, then {@link String#CASE_INSENSITIVE_ORDER} (which
   * compares ASCII chars in lower case). -1 (no number) when the name is longer than 127 chars or
   * one of its first five chars is not ASCII.
   */
  static long nameKey(String name) {
    int length = name.length();
    long head = foldedChars(name, 0, 5);
    return length > 127 || head < 0 ? -1 : ((long) length << 35) | head;
  }

  /**
   * The next nine chars of {@code name} after the five of its {@link #nameKey}, in one number: two
   * names of equal name keys whose tails differ compare as the tails do. -1 when one of those chars
   * is not ASCII.
   */
  static long nameTail(String name) {
    return foldedChars(name, 5, 9);
  }

  /**
   * {@code count} chars of {@code name} from {@code from}, lower case, seven bits each from the
   * most significant (zeros past the end), or -1 when one of them is not ASCII.
   */
  private static long foldedChars(String name, int from, int count) {
    long folded = 0;
    for (int i = from; i < from + count; i++) {
      int c = 0;
      if (i < name.length()) {
        char ch = name.charAt(i);
        if (ch >= 128) {
          return -1;
        }
        c = lowerAscii(ch);
      }
      folded = (folded << 7) | c;
    }
    return folded;
  }

  private static char lowerAscii(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
  }

  private static boolean isAsciiLetterOrDigit(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  private static boolean isAsciiLower(char c) {
    return c >= 'a' && c <= 'z';
  }

  private static boolean isAsciiUpper(char c) {
    return c >= 'A' && c <= 'Z';
  }

  private static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** A query word with its CamelCase parts. */
  record Word(String lower, List<String> parts) {}

  /** One indexed node type. */
  private static final class Entry {
    final int id;
    final String classType;
    final String displayName;
    final String category;
    final String description;
    final Installation installation;
    final long nameKey;
    final long nameTail;
    List<NodePack> packs = List.of();

    Entry(
        int id,
        String classType,
        String displayName,
        String category,
        String description,
        Installation installation) {
      this.id = id;
      this.classType = classType;
      this.displayName = displayName;
      this.category = category;
      this.description = description;
      this.installation = installation;
      this.nameKey = nameKey(classType);
      this.nameTail = nameTail(classType);
    }
  }

  /** A set of entry ids with a weight each: dense weights, plus the list of ids set. */
  private static final class Hits {
    final int[] weight;
    final int[] ids;
    int count;

    Hits(int size) {
      weight = new int[size];
      ids = new int[size];
    }

    void put(int id, int w) {
      int current = weight[id];
      if (current == 0) {
        ids[count++] = id;
        weight[id] = Math.max(1, w);
      } else if (w > current) {
        weight[id] = w;
      }
    }

    void clear() {
      for (int i = 0; i < count; i++) {
        weight[ids[i]] = 0;
      }
      count = 0;
    }
  }

  /** The best {@code k} of a stream of (sort key, id, score), smaller sort keys being better. */
  private static final class TopK {
    private long[] keys = new long[16];
    private int[] ids = new int[16];
    private int[] scores = new int[16];
    private int k;
    private int size;
    private boolean sorted;

    void reset(int capacity) {
      k = Math.max(0, capacity);
      size = 0;
      sorted = false;
      if (keys.length < k) {
        keys = new long[k];
        ids = new int[k];
        scores = new int[k];
      }
    }

    void offer(long key, int id, int score) {
      if (k == 0) {
        return;
      }
      if (size < k) {
        keys[size] = key;
        ids[size] = id;
        scores[size] = score;
        siftUp(size++);
      } else if (key < keys[0]) {
        keys[0] = key;
        ids[0] = id;
        scores[0] = score;
        siftDown(0);
      }
    }

    int size() {
      sortOnce();
      return size;
    }

    int idAt(int i) {
      sortOnce();
      return ids[i];
    }

    int scoreAt(int i) {
      sortOnce();
      return scores[i];
    }

    private void sortOnce() {
      if (sorted) {
        return;
      }
      sorted = true;
      // Heap sort of the max-heap gives ascending keys: best first.
      for (int end = size - 1; end > 0; end--) {
        swap(0, end);
        siftDown(0, end);
      }
    }

    private void siftUp(int i) {
      while (i > 0) {
        int parent = (i - 1) / 2;
        if (keys[parent] >= keys[i]) {
          return;
        }
        swap(parent, i);
        i = parent;
      }
    }

    private void siftDown(int i) {
      siftDown(i, size);
    }

    private void siftDown(int i, int end) {
      while (true) {
        int left = 2 * i + 1;
        if (left >= end) {
          return;
        }
        int largest = left;
        if (left + 1 < end && keys[left + 1] > keys[left]) {
          largest = left + 1;
        }
        if (keys[i] >= keys[largest]) {
          return;
        }
        swap(i, largest);
        i = largest;
      }
    }

    private void swap(int a, int b) {
      long tk = keys[a];
      keys[a] = keys[b];
      keys[b] = tk;
      int ti = ids[a];
      ids[a] = ids[b];
      ids[b] = ti;
      int ts = scores[a];
      scores[a] = scores[b];
      scores[b] = ts;
    }
  }

  /** Per-query working memory, pooled so that searching allocates little. */
  private static final class Scratch {
    final int entryCount;
    final int[] taken;
    final int[] counts;
    final int[] vocabCounts;
    final int[] vocabTouched;
    final int[] termCandidates;
    final List<Hits> hits = new ArrayList<>();
    final TopK top = new TopK();
    int generation;

    Scratch(int entryCount, int vocabCount) {
      this.entryCount = entryCount;
      this.taken = new int[entryCount];
      this.counts = new int[entryCount];
      this.vocabCounts = new int[vocabCount];
      this.vocabTouched = new int[vocabCount];
      this.termCandidates = new int[vocabCount];
    }

    void newQuery() {
      generation++;
      if (generation == 0) {
        Arrays.fill(taken, 0);
        generation = 1;
      }
    }

    Hits hits(int slot) {
      while (hits.size() <= slot) {
        hits.add(new Hits(entryCount));
      }
      return hits.get(slot);
    }

    TopK top(int capacity) {
      top.reset(capacity);
      return top;
    }
  }

  /**
   * Gathers the entries and cuts their text into terms, as {@link SearchText} does but without a
   * string or a collection per word: ASCII text (all of it in practice) is cut in place and looked
   * up in a {@link TermTable}; other text goes through {@link SearchText} itself. Every (term,
   * entry) pair is recorded once, with the fields it was met in, in entry order; {@link #finish}
   * then sorts the distinct terms once and lays the pairs out in compressed rows. Used once by the
   * constructor.
   */
  private static final class Builder {
    final List<Entry> entries = new ArrayList<>();
    final NodeDefinition[] definitions;
    final boolean liveCatalog;

    private static final int LAST_ENTRY = 0;
    private static final int LAST_PAIR = 1;
    private static final int ENTRY_COUNT = 2;
    private static final int SEEN_IN = 3;
    private static final int STATE_INTS = 4;
    private static final int FIELD_BITS = 4;

    private final TermTable terms;

    /** The terms of each pack's title and description, cut once per pack. */
    private final Map<NodePack, PackTerms> packTerms = new IdentityHashMap<>();

    private NodePack lastPack;
    private PackTerms lastPackTerms;

    /**
     * By term id, {@value #STATE_INTS} ints side by side (one cache line): the last entry given the
     * term (-1: none yet), where that entry's pair is, how many entries have the term, and the word
     * list that last met it (to skip repeated words).
     */
    private int[] termState;

    private boolean[] termStopWord;
    private int termsKnown;
    private int wordList;

    /**
     * (term, entry and fields) pairs as recorded, entries ascending: the entry id shifted left by
     * {@value #FIELD_BITS}, the fields (bits of {@code NAME} .. {@code DESCRIPTION}) below.
     */
    private int[] pairTerm;

    private int[] pairEntryFields;
    private int pairCount;

    /** (key term, entry id shifted left once, low bit set for the class name) as recorded. */
    private int[] keyTerm;

    private int[] keyEntry;
    private int keyCount;

    private char[] buffer = new char[128];
    private int[] collected = new int[64];
    private int collectedCount;

    int[] keyOffsets;
    int[] keyEntries;
    String[] vocab;
    int[] postingOffsets;
    int[] postingIds;
    byte[] postingFields;

    Builder(NodeDefinitions live, ManagerNodeMap managerMap) {
      this.liveCatalog = live != null;
      this.definitions =
          live == null ? new NodeDefinition[0] : live.all().toArray(new NodeDefinition[0]);
      Map<String, Entry> installed = new HashMap<>(definitions.length * 2);
      for (NodeDefinition def : definitions) {
        Entry entry =
            new Entry(
                entries.size(),
                def.classType(),
                def.displayName(),
                def.category(),
                def.description(),
                Installation.INSTALLED);
        installed.put(def.classType(), entry);
        entries.add(entry);
      }
      Installation absent = live == null ? Installation.UNKNOWN : Installation.NOT_INSTALLED;
      // The map's node types come each once, in the order it first lists them.
      List<String> listed = managerMap == null ? List.of() : managerMap.nodeTypes();
      for (String nodeType : listed) {
        Entry entry = installed.get(nodeType);
        if (entry == null) {
          entry = new Entry(entries.size(), nodeType, nodeType, "", "", absent);
          entries.add(entry);
        }
        entry.packs = managerMap.packsProviding(nodeType);
      }
      int n = entries.size();
      // About 1.2 terms per node type in real catalogs; the tables grow when there are more.
      int termCapacity = Math.max(1024, n + n / 4);
      terms = new TermTable(termCapacity);
      termState = new int[termCapacity * STATE_INTS];
      termStopWord = new boolean[termCapacity];
      pairTerm = new int[Math.max(1024, n * 10)];
      pairEntryFields = new int[pairTerm.length];
      keyTerm = new int[Math.max(16, n * 2)];
      keyEntry = new int[keyTerm.length];
      for (Entry entry : entries) {
        index(entry);
      }
    }

    /** Records the keys and words of one entry, as the reference cuts them ({@link SearchText}). */
    private void index(Entry e) {
      int id = e.id;
      int classKey = keyTerm(e.classType);
      boolean sameName = e.displayName.equals(e.classType);
      int displayKey = sameName ? classKey : keyTerm(e.displayName);
      if (classKey >= 0) {
        addKey(classKey, id, true);
        post(classKey, id, NAME);
      }
      if (displayKey >= 0 && displayKey != classKey) {
        addKey(displayKey, id, false);
        post(displayKey, id, NAME);
      }
      collectTokens(e.classType, classKey);
      postCollected(id, NAME);
      if (!sameName) {
        collectTokens(e.displayName, displayKey);
        postCollected(id, NAME);
      }
      collectTokens(e.category, -1);
      postCollected(id, CATEGORY);
      collectWords(e.description);
      postCollected(id, DESCRIPTION);
      if (!e.packs.isEmpty()) {
        PackTerms pack = packTerms(e.packs.get(0));
        for (int term : pack.title()) {
          post(term, id, PACK);
        }
        for (int term : pack.description()) {
          post(term, id, DESCRIPTION);
        }
      }
    }

    /** The terms of a pack, cut on its first use (its entries mostly come one after the other). */
    private PackTerms packTerms(NodePack pack) {
      if (pack == lastPack) {
        return lastPackTerms;
      }
      PackTerms cut = packTerms.get(pack);
      if (cut == null) {
        collectTokens(pack.title(), -1);
        int[] title = Arrays.copyOf(collected, collectedCount);
        collectWords(pack.description());
        cut = new PackTerms(title, Arrays.copyOf(collected, collectedCount));
        packTerms.put(pack, cut);
      }
      lastPack = pack;
      lastPackTerms = cut;
      return cut;
    }

    /** The term of {@link SearchText#key}{@code (text)}, or -1 when that key is empty. */
    private int keyTerm(String text) {
      int n = text.length();
      char[] buf = buffer(n);
      int length = 0;
      int hash = 0;
      for (int i = 0; i < n; i++) {
        char c = text.charAt(i);
        if (c >= 128) {
          String key = SearchText.key(text);
          return key.isEmpty() ? -1 : intern(key);
        }
        if (isAsciiLetterOrDigit(c)) {
          char lower = lowerAscii(c);
          buf[length++] = lower;
          hash = 31 * hash + lower;
        }
      }
      return length == 0 ? -1 : known(terms.intern(buf, 0, length, hash));
    }

    /**
     * Collects the terms of {@link SearchText#tokens}{@code (text)} (repeats allowed).
     *
     * @param textKey the term of the text's key, or -1: when the text is one ASCII word, the word
     *     in lower case is its key, which is then not looked up again
     */
    private void collectTokens(String text, int textKey) {
      collectedCount = 0;
      int n = text.length();
      if (!isAscii(text)) {
        for (String token : SearchText.tokens(text)) {
          collect(intern(token));
        }
        return;
      }
      char[] buf = buffer(n);
      int start = -1;
      for (int i = 0; i <= n; i++) {
        if (i < n && isAsciiLetterOrDigit(text.charAt(i))) {
          if (start < 0) {
            start = i;
          }
        } else if (start >= 0) {
          collectWord(text, start, i, buf, start == 0 && i == n ? textKey : -1);
          start = -1;
        }
      }
    }

    /**
     * Collects an ASCII word, lower case, and when {@link SearchText#camelParts} cuts it in more
     * than one part, each part.
     */
    private void collectWord(String text, int start, int end, char[] buf, int wordTerm) {
      int hash = 0;
      for (int i = start; i < end; i++) {
        char lower = lowerAscii(text.charAt(i));
        buf[i - start] = lower;
        hash = 31 * hash + lower;
      }
      collect(wordTerm >= 0 ? wordTerm : known(terms.intern(buf, 0, end - start, hash)));
      int partStart = start;
      int partHash = buf[0];
      for (int i = start + 1; i < end; i++) {
        char prev = text.charAt(i - 1);
        char c = text.charAt(i);
        boolean lowerToUpper = (isAsciiLower(prev) || isAsciiDigit(prev)) && isAsciiUpper(c);
        boolean acronymEnd =
            isAsciiUpper(prev)
                && isAsciiUpper(c)
                && i + 1 < end
                && isAsciiLower(text.charAt(i + 1));
        if (lowerToUpper || acronymEnd) {
          collect(known(terms.intern(buf, partStart - start, i - partStart, partHash)));
          partStart = i;
          partHash = 0;
        }
        partHash = 31 * partHash + buf[i - start];
      }
      if (partStart > start) {
        collect(known(terms.intern(buf, partStart - start, end - partStart, partHash)));
      }
    }

    /**
     * Collects the terms of the first 64 ({@code MAX_DESCRIPTION_WORDS}) distinct words of {@link
     * SearchText#words}{@code (text)} that are not stop words.
     */
    private void collectWords(String text) {
      collectedCount = 0;
      if (text.isEmpty()) {
        return;
      }
      if (!isAscii(text)) {
        List<String> words = SearchText.words(text);
        for (int w = 0, n = Math.min(words.size(), MAX_DESCRIPTION_WORDS); w < n; w++) {
          if (!SearchText.isStopWord(words.get(w))) {
            collect(intern(words.get(w)));
          }
        }
        return;
      }
      int list = ++wordList;
      int distinct = 0;
      int n = text.length();
      char[] buf = buffer(n);
      int start = -1;
      for (int i = 0; i <= n && distinct < MAX_DESCRIPTION_WORDS; i++) {
        if (i < n && isAsciiLetterOrDigit(text.charAt(i))) {
          if (start < 0) {
            start = i;
          }
        } else if (start >= 0) {
          for (int j = start; j < i; j++) {
            buf[j - start] = lowerAscii(text.charAt(j));
          }
          int term = intern(buf, 0, i - start);
          start = -1;
          if (termState[term * STATE_INTS + SEEN_IN] != list) {
            termState[term * STATE_INTS + SEEN_IN] = list;
            distinct++;
            if (!termStopWord[term]) {
              collect(term);
            }
          }
        }
      }
    }

    private static boolean isAscii(String text) {
      for (int i = 0, n = text.length(); i < n; i++) {
        if (text.charAt(i) >= 128) {
          return false;
        }
      }
      return true;
    }

    private char[] buffer(int length) {
      if (buffer.length < length) {
        buffer = new char[Math.max(length, buffer.length * 2)];
      }
      return buffer;
    }

    private void collect(int term) {
      if (collectedCount == collected.length) {
        collected = Arrays.copyOf(collected, collectedCount * 2);
      }
      collected[collectedCount++] = term;
    }

    private void postCollected(int entry, int field) {
      for (int i = 0; i < collectedCount; i++) {
        post(collected[i], entry, field);
      }
    }

    private int intern(char[] chars, int from, int length) {
      return known(terms.intern(chars, from, length));
    }

    private int intern(String term) {
      return known(terms.intern(term));
    }

    /** Makes room for the bookkeeping of a term seen for the first time. */
    private int known(int term) {
      if (term < termsKnown) {
        return term;
      }
      if (term == termStopWord.length) {
        termState = Arrays.copyOf(termState, term * 2 * STATE_INTS);
        termStopWord = Arrays.copyOf(termStopWord, term * 2);
      }
      termState[term * STATE_INTS + LAST_ENTRY] = -1;
      termStopWord[term] = SearchText.isStopWord(terms.term(term));
      termsKnown = term + 1;
      return term;
    }

    /** Records that {@code entry} has {@code term} in {@code field}. */
    private void post(int term, int entry, int field) {
      int state = term * STATE_INTS;
      if (termState[state + LAST_ENTRY] == entry) {
        pairEntryFields[termState[state + LAST_PAIR]] |= field;
        return;
      }
      if (pairCount == pairTerm.length) {
        int capacity = pairCount * 2;
        pairTerm = Arrays.copyOf(pairTerm, capacity);
        pairEntryFields = Arrays.copyOf(pairEntryFields, capacity);
      }
      termState[state + LAST_ENTRY] = entry;
      termState[state + LAST_PAIR] = pairCount;
      termState[state + ENTRY_COUNT]++;
      pairTerm[pairCount] = term;
      pairEntryFields[pairCount] = (entry << FIELD_BITS) | field;
      pairCount++;
    }

    private void addKey(int term, int entry, boolean className) {
      if (keyCount == keyTerm.length) {
        keyTerm = Arrays.copyOf(keyTerm, keyCount * 2);
        keyEntry = Arrays.copyOf(keyEntry, keyCount * 2);
      }
      keyTerm[keyCount] = term;
      keyEntry[keyCount] = (entry << 1) | (className ? 1 : 0);
      keyCount++;
    }

    /** Sorts the terms that have entries and lays out the keys and postings in sorted order. */
    void finish() {
      int termCount = terms.size();
      int vocabSize = 0;
      for (int t = 0; t < termCount; t++) {
        if (termState[t * STATE_INTS + ENTRY_COUNT] > 0) {
          vocabSize++;
        }
      }
      int[] order = new int[vocabSize];
      for (int t = 0, v = 0; t < termCount; t++) {
        if (termState[t * STATE_INTS + ENTRY_COUNT] > 0) {
          order[v++] = t;
        }
      }
      terms.sort(order);
      String[] sorted = new String[vocabSize];
      int[] position = new int[termCount];
      for (int v = 0; v < vocabSize; v++) {
        sorted[v] = terms.term(order[v]);
        position[order[v]] = v;
      }

      int[] offsets = new int[vocabSize + 1];
      for (int t = 0; t < termCount; t++) {
        int count = termState[t * STATE_INTS + ENTRY_COUNT];
        if (count > 0) {
          offsets[position[t] + 1] = count;
        }
      }
      for (int v = 0; v < vocabSize; v++) {
        offsets[v + 1] += offsets[v];
      }
      int[] fill = Arrays.copyOf(offsets, vocabSize);
      int[] ids = new int[pairCount];
      byte[] fields = new byte[pairCount];
      for (int i = 0; i < pairCount; i++) {
        int at = fill[position[pairTerm[i]]]++;
        ids[at] = pairEntryFields[i] >>> FIELD_BITS;
        fields[at] = (byte) (pairEntryFields[i] & ((1 << FIELD_BITS) - 1));
      }

      // Every key is also a word of its entry's name, so it has a place in the vocabulary.
      int[] keyRows = new int[vocabSize + 1];
      for (int i = 0; i < keyCount; i++) {
        keyRows[position[keyTerm[i]] + 1]++;
      }
      for (int v = 0; v < vocabSize; v++) {
        keyRows[v + 1] += keyRows[v];
      }
      System.arraycopy(keyRows, 0, fill, 0, vocabSize);
      int[] keyRowEntries = new int[keyCount];
      for (int i = 0; i < keyCount; i++) {
        keyRowEntries[fill[position[keyTerm[i]]]++] = keyEntry[i];
      }

      this.vocab = sorted;
      this.postingOffsets = offsets;
      this.postingIds = ids;
      this.postingFields = fields;
      this.keyOffsets = keyRows;
      this.keyEntries = keyRowEntries;
    }

    /** The terms of a pack's title and of its description. */
    private record PackTerms(int[] title, int[] description) {}
  }
}
