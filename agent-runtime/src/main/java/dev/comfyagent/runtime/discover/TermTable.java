package dev.comfyagent.runtime.discover;

import java.util.Arrays;

/**
 * The distinct terms (words, name keys) met while building a search index, each with a dense id and
 * one {@link String}: a term is looked up from a char range of a reused buffer, so the thousands of
 * repeats of {@code image} or {@code loader} across 40,000 node names cost no allocation, and every
 * index structure that holds a term shares the one string.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * TermTable terms = new TermTable(1 << 16);
 * int id = terms.intern(buffer, 0, length);   // same id for the same chars
 * terms.term(id);                             // the string, made once
 * terms.sort(ids);                            // ids in the order of their terms
 * }</pre>
 *
 * <p>Open addressing with linear probing on {@link String#hashCode()}'s polynomial, so a lookup by
 * chars and a lookup by string agree. Not thread-safe: one per build.
 */
final class TermTable {

  private int[] slots;
  private int[] hashes;
  private String[] terms;
  private int size;

  /** The chars of every term, one after the other: term {@code id} is at {@code starts[id]}. */
  private char[] chars;

  private int[] starts;

  /**
   * @param expected how many distinct terms to make room for before growing
   */
  TermTable(int expected) {
    int terms = Math.max(16, expected);
    slots = new int[Integer.highestOneBit(terms * 2 - 1) << 1];
    hashes = new int[terms];
    this.terms = new String[terms];
    starts = new int[terms + 1];
    chars = new char[terms * 20];
  }

  /** Number of distinct terms; ids are {@code 0 .. size() - 1}. */
  int size() {
    return size;
  }

  /** The term of {@code id}. */
  String term(int id) {
    return terms[id];
  }

  /** The id of the term {@code text[from .. from + length)}, interning it when new. */
  int intern(char[] text, int from, int length) {
    int hash = 0;
    for (int i = from, end = from + length; i < end; i++) {
      hash = 31 * hash + text[i];
    }
    return intern(text, from, length, hash);
  }

  /**
   * The id of the term {@code text[from .. from + length)}, interning it when new.
   *
   * @param hash the {@link String#hashCode()} of those chars, computed by the caller on its way
   */
  int intern(char[] text, int from, int length, int hash) {
    int mask = slots.length - 1;
    int slot = spread(hash) & mask;
    while (true) {
      int stored = slots[slot];
      if (stored == 0) {
        return add(new String(text, from, length), hash, slot);
      }
      int id = stored - 1;
      if (hashes[id] == hash
          && Arrays.equals(chars, starts[id], starts[id + 1], text, from, from + length)) {
        return id;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** The id of {@code term}, interning it when new. */
  int intern(String term) {
    int at = slotOf(term);
    int stored = slots[at];
    return stored != 0 ? stored - 1 : add(term, term.hashCode(), at);
  }

  /**
   * Puts term ids in the order of their terms ({@link String#compareTo}: char by char, a prefix
   * first). A three-way radix quicksort on the table's own chars: each step compares one char, read
   * from one array, instead of two strings from the start.
   */
  void sort(int[] ids) {
    sort(ids, 0, ids.length - 1, 0);
  }

  /** The char of term {@code id} at {@code depth}, or -1 past its end. */
  private int charAt(int id, int depth) {
    int at = starts[id] + depth;
    return at < starts[id + 1] ? chars[at] : -1;
  }

  /**
   * Sorts {@code ids[low .. high]}, whose terms agree before {@code depth}. Of the three parts a
   * step makes (chars below, equal to and above the pivot) the two smaller are sorted by recursion
   * and the largest by the loop, so the stack stays within log2 of the number of terms.
   */
  private void sort(int[] ids, int low, int high, int depth) {
    while (high - low >= 12) {
      swap(ids, low, (low + high) >>> 1);
      int pivot = charAt(ids[low], depth);
      int lt = low;
      int gt = high;
      int i = low + 1;
      while (i <= gt) {
        int c = charAt(ids[i], depth);
        if (c < pivot) {
          swap(ids, lt++, i++);
        } else if (c > pivot) {
          swap(ids, i, gt--);
        } else {
          i++;
        }
      }
      // Terms ending at the pivot are equal, and the table holds each term once: one term.
      int below = lt - low;
      int equal = pivot < 0 ? 0 : gt - lt + 1;
      int above = high - gt;
      if (below >= equal && below >= above) {
        sortEqual(ids, lt, gt, depth, pivot);
        sort(ids, gt + 1, high, depth);
        high = lt - 1;
      } else if (above >= equal) {
        sort(ids, low, lt - 1, depth);
        sortEqual(ids, lt, gt, depth, pivot);
        low = gt + 1;
      } else {
        sort(ids, low, lt - 1, depth);
        sort(ids, gt + 1, high, depth);
        low = lt;
        high = gt;
        depth++;
      }
    }
    insertionSort(ids, low, high, depth);
  }

  /** Sorts the terms that have {@code pivot} at {@code depth} by what follows it. */
  private void sortEqual(int[] ids, int lt, int gt, int depth, int pivot) {
    if (pivot >= 0) {
      sort(ids, lt, gt, depth + 1);
    }
  }

  private void insertionSort(int[] ids, int low, int high, int depth) {
    for (int i = low + 1; i <= high; i++) {
      int id = ids[i];
      int j = i - 1;
      while (j >= low && compareFrom(ids[j], id, depth) > 0) {
        ids[j + 1] = ids[j];
        j--;
      }
      ids[j + 1] = id;
    }
  }

  /** Compares two terms that agree before {@code depth}. */
  private int compareFrom(int a, int b, int depth) {
    int fromA = starts[a] + depth;
    int fromB = starts[b] + depth;
    int mismatch = Arrays.mismatch(chars, fromA, starts[a + 1], chars, fromB, starts[b + 1]);
    if (mismatch < 0) {
      return 0;
    }
    int endA = starts[a + 1] - fromA;
    int endB = starts[b + 1] - fromB;
    if (mismatch == endA || mismatch == endB) {
      return endA - endB;
    }
    return chars[fromA + mismatch] - chars[fromB + mismatch];
  }

  private static void swap(int[] ids, int a, int b) {
    int t = ids[a];
    ids[a] = ids[b];
    ids[b] = t;
  }

  /** The slot holding {@code term}, or the empty slot where it would go. */
  private int slotOf(String term) {
    int hash = term.hashCode();
    int mask = slots.length - 1;
    int slot = spread(hash) & mask;
    while (true) {
      int stored = slots[slot];
      if (stored == 0) {
        return slot;
      }
      int id = stored - 1;
      if (hashes[id] == hash && terms[id].equals(term)) {
        return slot;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** Adds a term not in the table; {@code slot} is the empty slot its probe ended at. */
  private int add(String term, int hash, int emptySlot) {
    int slot = emptySlot;
    if (size == terms.length) {
      terms = Arrays.copyOf(terms, size * 2);
      hashes = Arrays.copyOf(hashes, size * 2);
      starts = Arrays.copyOf(starts, size * 2 + 1);
    }
    if (size * 2 >= slots.length) {
      rehash();
      slot = emptySlotFor(hash);
    }
    int id = size++;
    terms[id] = term;
    hashes[id] = hash;
    int start = starts[id];
    int end = start + term.length();
    if (end > chars.length) {
      chars = Arrays.copyOf(chars, Math.max(end, chars.length * 2));
    }
    term.getChars(0, term.length(), chars, start);
    starts[id + 1] = end;
    slots[slot] = id + 1;
    return id;
  }

  private void rehash() {
    slots = new int[slots.length * 2];
    for (int id = 0; id < size; id++) {
      slots[emptySlotFor(hashes[id])] = id + 1;
    }
  }

  private int emptySlotFor(int hash) {
    int mask = slots.length - 1;
    int slot = spread(hash) & mask;
    while (slots[slot] != 0) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  private static int spread(int hash) {
    int h = hash * 0x9E3779B9;
    return h ^ (h >>> 15);
  }
}
