package dev.comfyagent.runtime.discover;

/**
 * The best {@code k} of a stream of (sort key, id, score), smaller sort keys being better: a
 * bounded max-heap on the keys, heap-sorted once when read. What a search keeps of a tier's matches
 * when only {@code k} places are left.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * TopK top = new TopK();
 * top.reset(20);
 * top.offer(sortKey, id, score);                  // any number of times
 * for (int i = 0; i < top.size(); i++) { use(top.idAt(i), top.scoreAt(i)); }   // best first
 * }</pre>
 *
 * <p>Reused across queries ({@link #reset}) so that a search allocates nothing here once warm. Not
 * thread-safe: each query has its own.
 */
final class TopK {
  private long[] keys = new long[16];
  private int[] ids = new int[16];
  private int[] scores = new int[16];
  private int k;
  private int size;
  private boolean sorted;

  /** Empties it and keeps at most {@code capacity} (0 or less: none) from now on. */
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

  /** Keeps {@code (key, id, score)} if it is among the best {@code k} so far. */
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

  /** How many are kept; reading sorts them, best first, so no more may be offered. */
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
