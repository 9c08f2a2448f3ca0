package dev.comfyagent.runtime.discover;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The tie-break between search matches of equal score: shorter class names first, then class names
 * A to Z ignoring case ({@link String#CASE_INSENSITIVE_ORDER}), then index order. Computed once per
 * index as a rank per node type, so a query compares two ints.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * int[] rank = NameOrder.ranks(nodes);   // rank[id]: the node's place in tie-break order
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
final class NameOrder {

  /** Bits of a node id in the numbers {@link #ranks} sorts (a 42-bit name key above). */
  private static final int ID_BITS = 21;

  private static final long ID_MASK = (1L << ID_BITS) - 1;

  private NameOrder() {}

  /**
   * Each node's place when all are ordered by class name length, then class name ignoring case,
   * then id.
   *
   * <p>Sorted as numbers: each node's {@link #nameKey} with its id in the low bits, so one
   * primitive sort orders nearly all of them; only nodes sharing a name key are then ordered by
   * their names, and the few names without a key are sorted apart and merged in.
   *
   * @param nodes the nodes, {@code nodes[i].id == i}
   */
  static int[] ranks(IndexedNode[] nodes) {
    int n = nodes.length;
    long[] keyed = new long[n];
    int keyedCount = 0;
    List<IndexedNode> unkeyed = new ArrayList<>();
    for (IndexedNode e : nodes) {
      if (e.nameKey >= 0 && e.id <= ID_MASK) {
        keyed[keyedCount++] = (e.nameKey << ID_BITS) | e.id;
      } else {
        unkeyed.add(e);
      }
    }
    Arrays.sort(keyed, 0, keyedCount);
    IndexedNode[] order = new IndexedNode[keyedCount];
    for (int i = 0; i < keyedCount; i++) {
      order[i] = nodes[(int) (keyed[i] & ID_MASK)];
    }
    for (int i = 0, j; i < keyedCount; i = j) {
      j = i + 1;
      while (j < keyedCount && (keyed[j] >>> ID_BITS) == (keyed[i] >>> ID_BITS)) {
        j++;
      }
      if (j - i > 1) {
        // Stable: names equal but for case keep their id order.
        Arrays.sort(order, i, j, NameOrder::compareNames);
      }
    }
    if (!unkeyed.isEmpty()) {
      unkeyed.sort(NameOrder::compareNames);
      order = merge(order, unkeyed);
    }
    int[] rank = new int[n];
    for (int r = 0; r < order.length; r++) {
      rank[order[r].id] = r;
    }
    return rank;
  }

  /** Two runs in name order (ties in id order) merged into one. */
  private static IndexedNode[] merge(IndexedNode[] a, List<IndexedNode> b) {
    IndexedNode[] merged = new IndexedNode[a.length + b.size()];
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
   * {@link #nameKey} or else their {@link #nameTail}, numbers held in the nodes, and are settled
   * without reading the names; the answer is the same.
   */
  private static int compareNames(IndexedNode a, IndexedNode b) {
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
        c = SearchText.lowerAscii(ch);
      }
      folded = (folded << 7) | c;
    }
    return folded;
  }
}
