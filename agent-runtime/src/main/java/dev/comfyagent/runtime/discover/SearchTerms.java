package dev.comfyagent.runtime.discover;

import java.util.Arrays;

/**
 * The compact term tables of a {@link NodeSearchIndex}: the terms (words of names, categories,
 * packs and descriptions, and class names and display names as whole keys, {@link SearchText#key};
 * every key is also a word of its name), distinct and sorted, and for each term two rows, both
 * possibly empty:
 *
 * <ul>
 *   <li>the nodes having it as a word, {@code postingIds[postingOffsets[v] .. postingOffsets[v +
 *       1])}, ascending, with the fields they have it in ({@link #NAME} .. {@link #DESCRIPTION}
 *       bits) at the same places of {@code postingFields};
 *   <li>the nodes having it as a key, {@code keyEntries[keyOffsets[v] .. keyOffsets[v + 1])}, each
 *       a node id shifted left once, its low bit set when the term is the node's class name (else
 *       it is its display name).
 * </ul>
 *
 * <p>Beside them, the trigrams of the terms at least 3 long, padded ({@link #trigrams}): for typos
 * (a term near a query word shares most of its trigrams) and for names containing the query (a key
 * holding it has every trigram inside it).
 *
 * <p>Usage:
 *
 * <pre>{@code
 * SearchTerms terms = new SearchTermsBuilder(nodes).build();
 * int v = terms.find("sampler");                      // < 0 when no node has the term
 * for (int i = terms.postingOffsets[v]; i < terms.postingOffsets[v + 1]; i++) {
 *   use(terms.postingIds[i], terms.postingFields[i]);
 * }
 * }</pre>
 *
 * <p>The arrays are exposed for the query's inner loops and never written after construction;
 * immutable and thread-safe.
 */
final class SearchTerms {

  /** Field bits of a posting: the term is a word of the node's class or display name. */
  static final int NAME = 1;

  /** ... of its category. */
  static final int CATEGORY = 2;

  /** ... of the title of the pack that provides it. */
  static final int PACK = 4;

  /** ... of its description or of its pack's description. */
  static final int DESCRIPTION = 8;

  final String[] vocab;
  final int[] vocabLength;
  final int[] postingOffsets;
  final int[] postingIds;
  final byte[] postingFields;
  final int[] keyOffsets;
  final int[] keyEntries;
  final TrigramIndex trigrams;

  SearchTerms(
      String[] vocab,
      int[] postingOffsets,
      int[] postingIds,
      byte[] postingFields,
      int[] keyOffsets,
      int[] keyEntries) {
    this.vocab = vocab;
    this.vocabLength = new int[vocab.length];
    for (int v = 0; v < vocab.length; v++) {
      vocabLength[v] = vocab[v].length();
    }
    this.postingOffsets = postingOffsets;
    this.postingIds = postingIds;
    this.postingFields = postingFields;
    this.keyOffsets = keyOffsets;
    this.keyEntries = keyEntries;
    this.trigrams = TrigramIndex.padded(vocab, 3);
  }

  /** Number of distinct terms. */
  int size() {
    return vocab.length;
  }

  /** The place of {@code term}, or {@code -(insertion point) - 1}, as a binary search answers. */
  int find(String term) {
    return Arrays.binarySearch(vocab, term);
  }

  /** Whether some term starts with {@code prefix} (or is it). */
  boolean hasTermStartingWith(String prefix) {
    int at = find(prefix);
    if (at >= 0) {
      return true;
    }
    at = -at - 1;
    return at < vocab.length && vocab[at].startsWith(prefix);
  }
}
