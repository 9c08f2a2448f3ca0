package dev.comfyagent.runtime.discover;

import java.util.Arrays;

/**
 * Which strings of a sorted array contain which trigrams, in compressed rows: the items holding
 * trigram {@code grams[row]} are {@code ids[offsets[row] .. offsets[row + 1])}, ascending and
 * distinct. Trigrams are packed as {@link SearchText#trigram} packs them.
 *
 * <p>Built in two linear passes (count, then fill) over the items with a small open-addressing
 * table of the distinct trigrams (a few thousand for node names), so a build over 40,000 names
 * allocates little more than the rows themselves and sorts only the distinct trigrams.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * TrigramIndex grams = TrigramIndex.padded(sortedTerms, 3);
 * int row = grams.find(gram);                                 // -1 when no item has it
 * for (int i = grams.offsets[row]; i < grams.offsets[row + 1]; i++) { use(grams.ids[i]); }
 * }</pre>
 *
 * <p>Immutable once built; thread-safe.
 */
final class TrigramIndex {

  final int[] grams;
  final int[] offsets;
  final int[] ids;

  private TrigramIndex(int[] grams, int[] offsets, int[] ids) {
    this.grams = grams;
    this.offsets = offsets;
    this.ids = ids;
  }

  /**
   * The trigrams of each item at least {@code minLength} long, padded with a boundary mark on each
   * side ({@link SearchText#paddedTrigrams}); shorter items are left out.
   */
  static TrigramIndex padded(String[] items, int minLength) {
    return new Builder(items, minLength).build();
  }

  /** The row of {@code gram}, or -1. */
  int find(int gram) {
    int at = Arrays.binarySearch(grams, gram);
    return at >= 0 ? at : -1;
  }

  /** How many items hold the trigram of {@code row}. */
  int length(int row) {
    return offsets[row + 1] - offsets[row];
  }

  /**
   * Counts, then fills, the rows. Trigrams of three chars of the alphabet of search terms (the
   * boundary marks, digits and lower-case ASCII letters, after the ten-bit masking of {@link
   * SearchText#trigram}) are counted in an array indexed by their chars; any other trigram goes
   * through a {@link GramTable}. The alphabet is in char order, so array order is trigram order.
   */
  private static final class Builder {
    private static final int RADIX = 38;
    private static final int SLOTS = RADIX * RADIX * RADIX;
    private static final byte[] ALPHABET = alphabet();

    private final String[] items;
    private final int minLength;

    /**
     * Two ints per trigram of the alphabet, side by side: the last item that had it (-1: none yet),
     * then how many items have it, which becomes its row once rows are laid out.
     */
    private final int[] dense = new int[SLOTS * 2];

    private final GramTable others = new GramTable();
    private int[] otherLast = new int[64];
    private int[] otherCount = new int[64];
    private int[] rowOfOther;
    private int[] digits = new int[64];
    private int[] fill;
    private int[] ids;
    private long total;

    Builder(String[] items, int minLength) {
      this.items = items;
      this.minLength = minLength;
    }

    TrigramIndex build() {
      resetLastItems();
      for (int item = 0; item < items.length; item++) {
        visit(item, false);
      }
      if (total > Integer.MAX_VALUE - 8) {
        throw new IllegalStateException("too many trigrams to index: " + total);
      }
      // Rows: alphabet trigrams (in trigram order) merged with the others (sorted).
      int distinctOthers = others.size();
      long[] otherOrder = new long[distinctOthers];
      for (int id = 0; id < distinctOthers; id++) {
        otherOrder[id] = ((long) others.codeOf(id) << 32) | id;
      }
      Arrays.sort(otherOrder);
      int rows = distinctOthers;
      for (int slot = 0; slot < SLOTS; slot++) {
        if (dense[2 * slot + 1] > 0) {
          rows++;
        }
      }
      int[] grams = new int[rows];
      int[] offsets = new int[rows + 1];
      rowOfOther = new int[distinctOthers];
      int row = 0;
      int next = 0;
      for (int slot = 0; slot < SLOTS; slot++) {
        int count = dense[2 * slot + 1];
        if (count == 0) {
          continue;
        }
        int code = codeOfSlot(slot);
        while (next < distinctOthers && (int) (otherOrder[next] >>> 32) < code) {
          row = addOtherRow(otherOrder[next++], row, grams, offsets);
        }
        grams[row] = code;
        offsets[row + 1] = offsets[row] + count;
        dense[2 * slot + 1] = row++;
      }
      while (next < distinctOthers) {
        row = addOtherRow(otherOrder[next++], row, grams, offsets);
      }
      fill = Arrays.copyOf(offsets, rows);
      ids = new int[(int) total];
      resetLastItems();
      for (int item = 0; item < items.length; item++) {
        visit(item, true);
      }
      return new TrigramIndex(grams, offsets, ids);
    }

    private void resetLastItems() {
      for (int slot = 0; slot < SLOTS; slot++) {
        dense[2 * slot] = -1;
      }
      Arrays.fill(otherLast, -1);
    }

    private int addOtherRow(long codeAndId, int row, int[] grams, int[] offsets) {
      int id = (int) codeAndId;
      grams[row] = (int) (codeAndId >>> 32);
      offsets[row + 1] = offsets[row] + otherCount[id];
      rowOfOther[id] = row;
      return row + 1;
    }

    /** Counts ({@code filling} false) or records ({@code filling} true) one item's trigrams. */
    private void visit(int item, boolean filling) {
      String text = items[item];
      int n = text.length();
      if (n < minLength) {
        return;
      }
      if (digits.length < n + 2) {
        digits = new int[Math.max(n + 2, digits.length * 2)];
      }
      digits[0] = ALPHABET[SearchText.START_MARK];
      for (int i = 0; i < n; i++) {
        digits[i + 1] = ALPHABET[text.charAt(i) & 0x3FF];
      }
      digits[n + 1] = ALPHABET[SearchText.END_MARK];
      for (int j = 0; j < n; j++) {
        int a = digits[j];
        int b = digits[j + 1];
        int c = digits[j + 2];
        if ((a | b | c) < 0) {
          visitOther(item, filling, text, j);
          continue;
        }
        int at = 2 * ((a * RADIX + b) * RADIX + c);
        if (dense[at] == item) {
          continue;
        }
        dense[at] = item;
        if (filling) {
          ids[fill[dense[at + 1]]++] = item;
        } else {
          dense[at + 1]++;
          total++;
        }
      }
    }

    /** A trigram with a char outside the alphabet: the {@code j}-th of the padded text. */
    private void visitOther(int item, boolean filling, String text, int j) {
      int id =
          others.idOf(
              SearchText.trigram(padded(text, j), padded(text, j + 1), padded(text, j + 2)));
      if (id >= otherLast.length) {
        int grown = Math.max(id + 1, otherLast.length * 2);
        otherLast = Arrays.copyOf(otherLast, grown);
        Arrays.fill(otherLast, id, grown, -1);
        otherCount = Arrays.copyOf(otherCount, grown);
      }
      if (otherLast[id] == item) {
        return;
      }
      otherLast[id] = item;
      if (filling) {
        ids[fill[rowOfOther[id]]++] = item;
      } else {
        otherCount[id]++;
        total++;
      }
    }

    /** The char at {@code k} of the text between its boundary marks. */
    private static char padded(String text, int k) {
      if (k == 0) {
        return SearchText.START_MARK;
      }
      return k > text.length() ? SearchText.END_MARK : text.charAt(k - 1);
    }

    private static int codeOfSlot(int slot) {
      int c = slot % RADIX;
      int b = (slot / RADIX) % RADIX;
      int a = slot / (RADIX * RADIX);
      return SearchText.trigram(charOf(a), charOf(b), charOf(c));
    }

    private static char charOf(int digit) {
      if (digit == 0) {
        return SearchText.START_MARK;
      }
      if (digit == 1) {
        return SearchText.END_MARK;
      }
      return digit < 12 ? (char) ('0' + digit - 2) : (char) ('a' + digit - 12);
    }

    /** Digit of each ten-bit char value in the alphabet, -1 outside it. */
    private static byte[] alphabet() {
      byte[] digits = new byte[1 << 10];
      Arrays.fill(digits, (byte) -1);
      digits[SearchText.START_MARK] = 0;
      digits[SearchText.END_MARK] = 1;
      for (char c = '0'; c <= '9'; c++) {
        digits[c] = (byte) (2 + c - '0');
      }
      for (char c = 'a'; c <= 'z'; c++) {
        digits[c] = (byte) (12 + c - 'a');
      }
      return digits;
    }
  }

  /** Distinct trigram codes to dense ids: open addressing, linear probing. */
  private static final class GramTable {
    private int[] slots = new int[4096];
    private int[] codes = new int[2048];
    private int size;

    GramTable() {
      Arrays.fill(slots, -1);
    }

    int size() {
      return size;
    }

    int codeOf(int id) {
      return codes[id];
    }

    /** The id of {@code code}, a new one when first seen. */
    int idOf(int code) {
      int mask = slots.length - 1;
      int slot = mix(code) & mask;
      while (true) {
        int id = slots[slot];
        if (id < 0) {
          return add(code, slot);
        }
        if (codes[id] == code) {
          return id;
        }
        slot = (slot + 1) & mask;
      }
    }

    private int add(int code, int slot) {
      if (size == codes.length) {
        codes = Arrays.copyOf(codes, size * 2);
      }
      int id = size++;
      codes[id] = code;
      slots[slot] = id;
      if (size * 2 > slots.length) {
        rehash();
      }
      return id;
    }

    private void rehash() {
      slots = new int[slots.length * 2];
      Arrays.fill(slots, -1);
      int mask = slots.length - 1;
      for (int id = 0; id < size; id++) {
        int slot = mix(codes[id]) & mask;
        while (slots[slot] >= 0) {
          slot = (slot + 1) & mask;
        }
        slots[slot] = id;
      }
    }

    private static int mix(int code) {
      int h = code * 0x9E3779B9;
      return h ^ (h >>> 16);
    }
  }
}
