package dev.comfyagent.runtime.discover;

import dev.comfyagent.runtime.discover.NodeMatch.Installation;
import dev.comfyagent.runtime.discover.NodeMatch.Tier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The node search index as it was before its build was made cheap (boxed collections, sorted
 * trigram pairs, a hash map of exact keys), kept unchanged as the oracle of {@link
 * NodeSearchIndexEquivalenceTest}: the compact index must rank every query exactly as this one
 * does. Not used by the runtime.
 */
final class ReferenceNodeSearchIndex {

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

  private final Entry[] entries;
  private final int[] tieRank;
  private final boolean liveCatalog;
  private final int installedCount;

  private final Map<String, int[]> exactKeys;
  private final String[] keys;
  private final int[] keyEntry;
  private final GramIndex keyTrigrams;

  private final String[] vocab;
  private final int[][] postings;
  private final byte[][] postingFields;
  private final int[] vocabLength;
  private final GramIndex vocabTrigrams;

  private final ConcurrentLinkedQueue<Scratch> scratchPool = new ConcurrentLinkedQueue<>();

  private ReferenceNodeSearchIndex(Builder b) {
    this.entries = b.entries.toArray(new Entry[0]);
    this.liveCatalog = b.liveCatalog;
    this.installedCount =
        (int) b.entries.stream().filter(e -> e.installation == Installation.INSTALLED).count();
    this.tieRank = tieRanks(entries);
    this.exactKeys = b.exactKeys();
    this.keys = b.sortedKeys();
    this.keyEntry = b.sortedKeyEntries();
    this.keyTrigrams = b.keyTrigrams(keys);
    this.vocab = b.vocab();
    this.postings = b.postings(vocab);
    this.postingFields = b.postingFields(vocab);
    this.vocabLength = Arrays.stream(vocab).mapToInt(String::length).toArray();
    this.vocabTrigrams = b.vocabTrigrams(vocab);
  }

  /**
   * Builds the index.
   *
   * @param live the live catalog's definitions, or {@code null} when ComfyUI could not be asked
   *     (every node type is then of {@link Installation#UNKNOWN} installation)
   * @param managerMap ComfyUI-Manager's map (may know nothing)
   */
  public static ReferenceNodeSearchIndex build(NodeDefinitions live, ManagerNodeMap managerMap) {
    return new ReferenceNodeSearchIndex(new Builder(live, managerMap));
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
    return s != null ? s : new Scratch(entries.length, vocab.length, keys.length);
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
      int[] exact = exactKeys.get(queryKey);
      if (exact != null) {
        for (int id : exact) {
          boolean classKey = SearchText.key(entries[id].classType).equals(queryKey);
          offer(tier, id, classKey ? 1000 : 900);
        }
      }
      drain(tier, Tier.EXACT);
      if (full()) {
        return out;
      }

      int from = lowerBound(keys, queryKey);
      for (int i = from; i < keys.length && keys[i].startsWith(queryKey); i++) {
        offer(tier, keyEntry[i], 800 - Math.min(700, keys[i].length() - queryKey.length()));
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
        out.add(entries[id].toMatch(kind, top.scoreAt(k)));
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
      int[] ids = postings[v];
      byte[] fields = postingFields[v];
      int[] weights = WEIGHTS[kind];
      for (int j = 0; j < ids.length; j++) {
        into.put(ids[j], weightOf(weights, fields[j]));
      }
    }

    /** Names that contain the whole query ({@code textencode} in {@code cliptextencode}). */
    private void infix(Hits into) {
      int[] grams = distinct(SearchText.innerTrigrams(queryKey));
      int[] at = new int[grams.length];
      for (int i = 0; i < grams.length; i++) {
        at[i] = keyTrigrams.find(grams[i]);
        if (at[i] < 0) {
          return;
        }
      }
      // Start from the rarest trigram and keep the keys that have the next rarest ones too.
      Integer[] order = new Integer[at.length];
      for (int i = 0; i < order.length; i++) {
        order[i] = at[i];
      }
      Arrays.sort(order, Comparator.comparingInt(keyTrigrams::length));
      int[] candidates = s.keyCandidates;
      int first = order[0];
      int count = keyTrigrams.length(first);
      System.arraycopy(keyTrigrams.ids, keyTrigrams.offsets[first], candidates, 0, count);
      for (int i = 1; i < Math.min(order.length, 4) && count > 0; i++) {
        count = intersect(candidates, count, keyTrigrams, order[i]);
      }
      for (int i = 0; i < count; i++) {
        int k = candidates[i];
        if (keys[k].contains(queryKey) && !keys[k].startsWith(queryKey)) {
          int id = keyEntry[k];
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

  /** Keeps in {@code a[0..count)} the values also in posting {@code at} of {@code index}. */
  private static int intersect(int[] a, int count, GramIndex index, int at) {
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

  private static int[] tieRanks(Entry[] entries) {
    Integer[] order = new Integer[entries.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(
        order,
        Comparator.<Integer>comparingInt(i -> entries[i].classType.length())
            .thenComparing(i -> entries[i].classType, String.CASE_INSENSITIVE_ORDER));
    int[] rank = new int[entries.length];
    for (int r = 0; r < order.length; r++) {
      rank[order[r]] = r;
    }
    return rank;
  }

  /** A query word with its CamelCase parts. */
  record Word(String lower, List<String> parts) {}

  /** One indexed node type. */
  private static final class Entry {
    final String classType;
    final String displayName;
    final String category;
    final String description;
    final Installation installation;
    final NodeDefinition definition;
    List<NodePack> packs = List.of();

    Entry(
        String classType,
        String displayName,
        String category,
        String description,
        Installation installation,
        NodeDefinition definition) {
      this.classType = classType;
      this.displayName = displayName;
      this.category = category;
      this.description = description;
      this.installation = installation;
      this.definition = definition;
    }

    NodeMatch toMatch(Tier tier, int score) {
      return new NodeMatch(
          classType,
          displayName,
          category,
          description,
          installation,
          packs,
          tier,
          score,
          Optional.ofNullable(definition));
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
    final int[] keyCandidates;
    final List<Hits> hits = new ArrayList<>();
    final TopK top = new TopK();
    int generation;

    Scratch(int entryCount, int vocabCount, int keyCount) {
      this.entryCount = entryCount;
      this.taken = new int[entryCount];
      this.counts = new int[entryCount];
      this.vocabCounts = new int[vocabCount];
      this.vocabTouched = new int[vocabCount];
      this.keyCandidates = new int[keyCount];
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

  /** Gathers entries, keys and postings; used once by the constructor. */
  private static final class Builder {
    final List<Entry> entries = new ArrayList<>();
    final boolean liveCatalog;
    final List<String> keyList = new ArrayList<>();
    final List<Integer> keyIds = new ArrayList<>();
    final Map<String, Posting> tokenPostings = new HashMap<>();
    private Integer[] keyOrder;

    Builder(NodeDefinitions live, ManagerNodeMap managerMap) {
      this.liveCatalog = live != null;
      Map<String, Entry> byClass = new LinkedHashMap<>();
      if (live != null) {
        for (NodeDefinition def : live.all()) {
          byClass.put(
              def.classType(),
              new Entry(
                  def.classType(),
                  def.displayName(),
                  def.category(),
                  def.description(),
                  Installation.INSTALLED,
                  def));
        }
      }
      Installation absent = live == null ? Installation.UNKNOWN : Installation.NOT_INSTALLED;
      for (NodePack pack : managerMap.packs()) {
        for (String nodeType : pack.nodeTypes()) {
          Entry entry =
              byClass.computeIfAbsent(
                  nodeType, t -> new Entry(t, t, "", "", absent, /* definition= */ null));
          if (entry.packs.isEmpty()) {
            entry.packs = managerMap.packsProviding(nodeType);
          }
        }
      }
      entries.addAll(byClass.values());
      Map<NodePack, List<String>> packTitleTokens = new IdentityHashMap<>();
      Map<NodePack, List<String>> packDescriptionWords = new IdentityHashMap<>();
      for (int i = 0; i < entries.size(); i++) {
        final int id = i;
        Entry e = entries.get(id);
        String classKey = SearchText.key(e.classType);
        String displayKey = SearchText.key(e.displayName);
        addKey(classKey, id);
        if (!displayKey.equals(classKey)) {
          addKey(displayKey, id);
        }
        addToken(classKey, id, NAME);
        addToken(displayKey, id, NAME);
        SearchText.tokens(e.classType).forEach(t -> addToken(t, id, NAME));
        SearchText.tokens(e.displayName).forEach(t -> addToken(t, id, NAME));
        SearchText.tokens(e.category).forEach(t -> addToken(t, id, CATEGORY));
        addWords(SearchText.words(e.description), id, DESCRIPTION);
        if (!e.packs.isEmpty()) {
          NodePack pack = e.packs.get(0);
          packTitleTokens
              .computeIfAbsent(pack, p -> SearchText.tokens(p.title()))
              .forEach(t -> addToken(t, id, PACK));
          addWords(
              packDescriptionWords.computeIfAbsent(pack, p -> SearchText.words(p.description())),
              id,
              DESCRIPTION);
        }
      }
    }

    private void addWords(List<String> words, int id, int field) {
      int n = Math.min(words.size(), MAX_DESCRIPTION_WORDS);
      for (int i = 0; i < n; i++) {
        String w = words.get(i);
        if (!SearchText.isStopWord(w)) {
          addToken(w, id, field);
        }
      }
    }

    private void addKey(String key, int id) {
      if (!key.isEmpty()) {
        keyList.add(key);
        keyIds.add(id);
      }
    }

    private void addToken(String token, int id, int field) {
      if (!token.isEmpty()) {
        tokenPostings.computeIfAbsent(token, t -> new Posting()).add(id, field);
      }
    }

    Map<String, int[]> exactKeys() {
      Map<String, List<Integer>> byKey = new HashMap<>();
      for (int i = 0; i < keyList.size(); i++) {
        List<Integer> ids = byKey.computeIfAbsent(keyList.get(i), k -> new ArrayList<>(1));
        if (!ids.contains(keyIds.get(i))) {
          ids.add(keyIds.get(i));
        }
      }
      Map<String, int[]> result = new HashMap<>(byKey.size() * 2);
      byKey.forEach((k, v) -> result.put(k, v.stream().mapToInt(Integer::intValue).toArray()));
      return result;
    }

    private Integer[] keyOrder() {
      if (keyOrder == null) {
        keyOrder = new Integer[keyList.size()];
        for (int i = 0; i < keyOrder.length; i++) {
          keyOrder[i] = i;
        }
        Arrays.sort(keyOrder, Comparator.comparing(keyList::get));
      }
      return keyOrder;
    }

    String[] sortedKeys() {
      Integer[] order = keyOrder();
      String[] sorted = new String[order.length];
      for (int i = 0; i < order.length; i++) {
        sorted[i] = keyList.get(order[i]);
      }
      return sorted;
    }

    int[] sortedKeyEntries() {
      Integer[] order = keyOrder();
      int[] sorted = new int[order.length];
      for (int i = 0; i < order.length; i++) {
        sorted[i] = keyIds.get(order[i]);
      }
      return sorted;
    }

    GramIndex keyTrigrams(String[] sortedKeys) {
      GramIndex.Builder grams = new GramIndex.Builder(sortedKeys.length * 24);
      for (int k = 0; k < sortedKeys.length; k++) {
        for (int g : SearchText.innerTrigrams(sortedKeys[k])) {
          grams.add(g, k);
        }
      }
      return grams.build();
    }

    String[] vocab() {
      String[] v = tokenPostings.keySet().toArray(new String[0]);
      Arrays.sort(v);
      return v;
    }

    int[][] postings(String[] vocab) {
      int[][] result = new int[vocab.length][];
      for (int v = 0; v < vocab.length; v++) {
        Posting p = tokenPostings.get(vocab[v]);
        result[v] = Arrays.copyOf(p.ids, p.size);
      }
      return result;
    }

    byte[][] postingFields(String[] vocab) {
      byte[][] result = new byte[vocab.length][];
      for (int v = 0; v < vocab.length; v++) {
        Posting p = tokenPostings.get(vocab[v]);
        result[v] = Arrays.copyOf(p.fields, p.size);
      }
      return result;
    }

    GramIndex vocabTrigrams(String[] vocab) {
      GramIndex.Builder grams = new GramIndex.Builder(vocab.length * 10);
      for (int v = 0; v < vocab.length; v++) {
        if (vocab[v].length() >= 3) {
          for (int g : SearchText.paddedTrigrams(vocab[v])) {
            grams.add(g, v);
          }
        }
      }
      return grams.build();
    }
  }

  /**
   * Trigram postings in compressed rows: the ids of trigram {@code grams[i]} are {@code
   * ids[offsets[i] .. offsets[i + 1])}, ascending and distinct. Built by sorting packed (trigram,
   * id) pairs, which avoids a map entry per trigram.
   */
  private static final class GramIndex {
    final int[] grams;
    final int[] offsets;
    final int[] ids;

    private GramIndex(int[] grams, int[] offsets, int[] ids) {
      this.grams = grams;
      this.offsets = offsets;
      this.ids = ids;
    }

    /** The row of {@code gram}, or -1. */
    int find(int gram) {
      int at = Arrays.binarySearch(grams, gram);
      return at >= 0 ? at : -1;
    }

    int length(int row) {
      return offsets[row + 1] - offsets[row];
    }

    static final class Builder {
      private long[] pairs;
      private int size;

      Builder(int expected) {
        pairs = new long[Math.max(16, expected)];
      }

      void add(int gram, int id) {
        if (size == pairs.length) {
          pairs = Arrays.copyOf(pairs, size * 2);
        }
        // Trigram codes are non-negative 30-bit values, so the packed longs sort by (gram, id).
        pairs[size++] = ((long) gram << 32) | (id & 0xFFFFFFFFL);
      }

      GramIndex build() {
        Arrays.sort(pairs, 0, size);
        int[] ids = new int[size];
        int[] grams = new int[size];
        int[] offsets = new int[size + 1];
        int n = 0;
        int rows = 0;
        long previous = -1;
        for (int i = 0; i < size; i++) {
          long pair = pairs[i];
          if (pair == previous) {
            continue;
          }
          int gram = (int) (pair >>> 32);
          if (rows == 0 || grams[rows - 1] != gram) {
            grams[rows] = gram;
            offsets[rows] = n;
            rows++;
          }
          ids[n++] = (int) pair;
          previous = pair;
        }
        offsets[rows] = n;
        pairs = null;
        return new GramIndex(
            Arrays.copyOf(grams, rows), Arrays.copyOf(offsets, rows + 1), Arrays.copyOf(ids, n));
      }
    }
  }

  /** The entries of one token, ascending, with the fields the token appears in. */
  private static final class Posting {
    int[] ids = new int[2];
    byte[] fields = new byte[2];
    int size;

    void add(int id, int field) {
      if (size > 0 && ids[size - 1] == id) {
        fields[size - 1] |= (byte) field;
        return;
      }
      if (size == ids.length) {
        ids = Arrays.copyOf(ids, size * 2);
        fields = Arrays.copyOf(fields, size * 2);
      }
      ids[size] = id;
      fields[size] = (byte) field;
      size++;
    }
  }
}
