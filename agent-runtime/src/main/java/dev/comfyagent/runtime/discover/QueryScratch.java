package dev.comfyagent.runtime.discover;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One query's working memory, sized for one index and pooled by it so that searching allocates
 * little: which nodes earlier tiers already answered ({@link #taken}, by generation so that a new
 * query clears nothing), weighted node sets ({@link Hits}) for the tier and for each query word,
 * and per-term counters for the typo search. Not thread-safe: one query uses it at a time.
 */
final class QueryScratch {
  final int entryCount;
  final int[] taken;
  final int[] counts;
  final int[] vocabCounts;
  final int[] vocabTouched;
  final int[] termCandidates;
  final List<Hits> hits = new ArrayList<>();
  final TopK top = new TopK();
  int generation;

  QueryScratch(int entryCount, int vocabCount) {
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

  /**
   * A set of node ids with a weight each: dense weights (0: not in the set), plus the list of ids
   * set, so clearing costs what was set. A weight is at least 1; putting a lower one than the node
   * has changes nothing.
   */
  static final class Hits {
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
}
