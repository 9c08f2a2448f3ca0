package dev.comfyagent.runtime.discover;

import static dev.comfyagent.runtime.discover.SearchText.isAscii;
import static dev.comfyagent.runtime.discover.SearchText.isAsciiDigit;
import static dev.comfyagent.runtime.discover.SearchText.isAsciiLetterOrDigit;
import static dev.comfyagent.runtime.discover.SearchText.isAsciiLower;
import static dev.comfyagent.runtime.discover.SearchText.isAsciiUpper;
import static dev.comfyagent.runtime.discover.SearchText.lowerAscii;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cuts the text of the nodes of an index into terms and lays them out as {@link SearchTerms}, as
 * {@link SearchText} cuts text but without a string or a collection per word: ASCII text (all of it
 * in practice) is cut in place and looked up in a {@link TermTable}; other text goes through {@link
 * SearchText} itself. Every (term, node) pair is recorded once, with the fields it was met in, in
 * node order; {@link #build} then sorts the distinct terms once and lays the pairs out in
 * compressed rows.
 *
 * <p>What each node contributes (the index's searchable text):
 *
 * <ul>
 *   <li>{@link SearchTerms#NAME}: the keys of its class name and display name, and their {@link
 *       SearchText#tokens} (words and their CamelCase parts);
 *   <li>{@link SearchTerms#CATEGORY}: the tokens of its category;
 *   <li>{@link SearchTerms#DESCRIPTION}: the first {@value #MAX_DESCRIPTION_WORDS} distinct words
 *       of its description, stop words counted but not kept; the same of the description of the
 *       first pack that provides it;
 *   <li>{@link SearchTerms#PACK}: the tokens of that pack's title.
 * </ul>
 *
 * <p>Usage: {@code SearchTerms terms = new SearchTermsBuilder(nodes).build();} once per index; not
 * thread-safe.
 */
final class SearchTermsBuilder {

  /** Distinct words of a description that are indexed; the rest rarely name what a node does. */
  static final int MAX_DESCRIPTION_WORDS = 64;

  private static final int NAME = SearchTerms.NAME;
  private static final int CATEGORY = SearchTerms.CATEGORY;
  private static final int PACK = SearchTerms.PACK;
  private static final int DESCRIPTION = SearchTerms.DESCRIPTION;

  private static final int LAST_ENTRY = 0;
  private static final int LAST_PAIR = 1;
  private static final int ENTRY_COUNT = 2;
  private static final int SEEN_IN = 3;
  private static final int STATE_INTS = 4;
  private static final int FIELD_BITS = 4;

  private final List<IndexedNode> nodes;
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

  /**
   * @param nodes the nodes to index, {@code nodes.get(i).id == i}
   */
  SearchTermsBuilder(List<IndexedNode> nodes) {
    this.nodes = nodes;
    int n = nodes.size();
    // About 1.2 terms per node type in real catalogs; the tables grow when there are more.
    int termCapacity = Math.max(1024, n + n / 4);
    terms = new TermTable(termCapacity);
    termState = new int[termCapacity * STATE_INTS];
    termStopWord = new boolean[termCapacity];
    pairTerm = new int[Math.max(1024, n * 10)];
    pairEntryFields = new int[pairTerm.length];
    keyTerm = new int[Math.max(16, n * 2)];
    keyEntry = new int[keyTerm.length];
  }

  /** Records the keys and words of one entry, as {@link SearchText} cuts them. */
  private void index(IndexedNode e) {
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
    if (!e.packs().isEmpty()) {
      PackTerms pack = packTerms(e.packs().get(0));
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
   * @param textKey the term of the text's key, or -1: when the text is one ASCII word, the word in
   *     lower case is its key, which is then not looked up again
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
   * Collects an ASCII word, lower case, and when {@link SearchText#camelParts} cuts it in more than
   * one part, each part.
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
          isAsciiUpper(prev) && isAsciiUpper(c) && i + 1 < end && isAsciiLower(text.charAt(i + 1));
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

  /**
   * Cuts every node's text, then sorts the terms that have nodes and lays out the keys and postings
   * in sorted order. Once per builder.
   */
  SearchTerms build() {
    for (IndexedNode node : nodes) {
      index(node);
    }
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

    return new SearchTerms(sorted, offsets, ids, fields, keyRows, keyRowEntries);
  }

  /** The terms of a pack's title and of its description. */
  private record PackTerms(int[] title, int[] description) {}
}
