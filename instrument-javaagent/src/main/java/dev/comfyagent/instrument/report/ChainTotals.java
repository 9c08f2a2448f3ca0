package dev.comfyagent.instrument.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The total time of every tool chain (correlation id) of a run, for the slowest ten: an
 * open-addressing table from a 64-bit hash of the id to the summed duration of the chain's
 * outermost calls. A million chains take about 20 MB, not the hundreds a map of strings would; the
 * ids themselves are read again, for the ten chains only, in a second pass over the traces.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * ChainTotals chains = new ChainTotals();
 * chains.add(TraceLine.hash(id), micros);
 * long[] slowest = chains.top(10);
 * }</pre>
 *
 * <p>Not thread-safe.
 */
final class ChainTotals {

  private long[] keys = new long[1 << 12];
  private long[] totals = new long[1 << 12];
  private int size;

  /** Adds {@code micros} to the chain of {@code hash} (never 0). */
  void add(long hash, long micros) {
    if (size * 2 >= keys.length) {
      grow();
    }
    int slot = slot(keys, hash);
    if (keys[slot] == 0) {
      keys[slot] = hash;
      size++;
    }
    totals[slot] += micros;
  }

  /** Adds every chain's total of {@code other}. */
  void addAll(ChainTotals other) {
    for (int i = 0; i < other.keys.length; i++) {
      if (other.keys[i] != 0) {
        add(other.keys[i], other.totals[i]);
      }
    }
  }

  /** Chains seen. */
  int size() {
    return size;
  }

  /** The total of a chain, or 0. */
  long total(long hash) {
    int slot = slot(keys, hash);
    return keys[slot] == hash ? totals[slot] : 0;
  }

  /** The hashes of the {@code n} chains with the highest totals, highest first. */
  long[] top(int n) {
    List<long[]> best = new ArrayList<>(n + 1);
    Comparator<long[]> byTotal = Comparator.comparingLong(e -> e[1]);
    for (int i = 0; i < keys.length; i++) {
      if (keys[i] == 0) {
        continue;
      }
      if (best.size() < n || totals[i] > best.get(0)[1]) {
        best.add(new long[] {keys[i], totals[i]});
        best.sort(byTotal);
        if (best.size() > n) {
          best.remove(0);
        }
      }
    }
    best.sort(byTotal.reversed());
    return best.stream().mapToLong(e -> e[0]).toArray();
  }

  private static int slot(long[] table, long hash) {
    int mask = table.length - 1;
    int slot = (int) (hash ^ (hash >>> 32)) & mask;
    while (table[slot] != 0 && table[slot] != hash) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  private void grow() {
    long[] oldKeys = keys;
    long[] oldTotals = totals;
    keys = new long[oldKeys.length * 2];
    totals = new long[oldKeys.length * 2];
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != 0) {
        int slot = slot(keys, oldKeys[i]);
        keys[slot] = oldKeys[i];
        totals[slot] = oldTotals[i];
      }
    }
    Arrays.fill(oldKeys, 0);
  }
}
