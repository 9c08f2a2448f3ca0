package dev.comfyagent.instrument.emit;

import dev.comfyagent.instrument.record.CallRecord;
import dev.comfyagent.instrument.record.TraceEvent;
import dev.comfyagent.instrument.record.TraceSink;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The bounded, lock-free queue between tool threads and the trace writer: a ring of {@link
 * TraceSlot}s that producers fill in place. {@link #offer} never blocks and never waits, and makes
 * no object: a producer claims the next sequence number with one compare-and-set, copies the call
 * into that number's slot and publishes it; the writer reads slots in sequence order and frees
 * them. When {@code capacity} calls wait, a new one is dropped and counted ({@code
 * agent.trace_lines_dropped} in metrics.jsonl).
 *
 * <p>Usage:
 *
 * <pre>{@code
 * TraceQueue queue = new TraceQueue(8192);
 * queue.offer(callRecord);        // tool thread: copied, nothing kept
 * queue.drain(slot -> write(slot), 64); // writer thread
 * }</pre>
 *
 * <p>A slot is about a hundred bytes until it holds a summary (8,192 slots by default: under a
 * megabyte). Thread-safe: any number of producers, one consumer.
 */
public final class TraceQueue implements TraceSink {

  /** What the consumer does with each published slot; the slot is reused once it returns. */
  @FunctionalInterface
  interface SlotReader {
    void read(TraceSlot slot);
  }

  private final TraceSlot[] slots;

  /**
   * Per slot, the sequence number of the call it holds once published (-1 before the first): the
   * producer's volatile write after filling the slot, read by the writer before reading it.
   */
  private final AtomicLongArray published;

  private final AtomicLong claimed = new AtomicLong();
  private final LongAdder dropped = new LongAdder();
  private final int capacity;
  // capacity - 1 when the capacity is a power of two (the default): a slot's index is then a mask,
  // not a 64-bit division, on every offer; -1 otherwise.
  private final long indexMask;
  // The consumer is woken after every (wakeMask + 1)-th call: a power of two, at most a quarter of
  // the capacity (see publish).
  private final long wakeMask;

  /** The sequence number of the next slot the consumer reads; written by the consumer only. */
  private volatile long consumed;

  private volatile Thread consumer;

  /**
   * @param capacity events held at most; must be at least 1
   */
  public TraceQueue(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("trace queue capacity must be at least 1: " + capacity);
    }
    this.capacity = capacity;
    this.indexMask = Integer.bitCount(capacity) == 1 ? capacity - 1 : -1;
    this.wakeMask = Integer.highestOneBit(Math.max(1, capacity / 4)) - 1;
    // Made up front: a slot made by a producer could fail to be made (out of memory) after its
    // sequence number was claimed, and the writer would wait for it forever.
    this.slots = new TraceSlot[capacity];
    this.published = new AtomicLongArray(capacity);
    for (int i = 0; i < capacity; i++) {
      slots[i] = new TraceSlot();
      published.set(i, -1);
    }
  }

  @Override
  public boolean offer(CallRecord call) {
    long sequence = claim();
    if (sequence < 0) {
      return false;
    }
    TraceSlot slot = slotFor(sequence);
    try {
      slot.copy(call);
    } finally {
      publish(sequence);
    }
    return true;
  }

  @Override
  public boolean offer(TraceEvent event) {
    long sequence = claim();
    if (sequence < 0) {
      return false;
    }
    TraceSlot slot = slotFor(sequence);
    try {
      slot.copy(event);
    } finally {
      publish(sequence);
    }
    return true;
  }

  /** The next sequence number, or -1 when {@code capacity} calls wait (the call is dropped). */
  private long claim() {
    while (true) {
      long next = claimed.get();
      if (next - consumed >= capacity) {
        dropped.increment();
        return -1;
      }
      if (claimed.compareAndSet(next, next + 1)) {
        return next;
      }
    }
  }

  private TraceSlot slotFor(long sequence) {
    return slots[index(sequence)];
  }

  /** Where the call numbered {@code sequence} waits in the ring. */
  private int index(long sequence) {
    return (int) (indexMask >= 0 ? sequence & indexMask : sequence % capacity);
  }

  /**
   * Publishes the slot, and wakes the consumer after every {@code wakeMask + 1}-th call, so that it
   * never sleeps while a quarter of the queue waits. By the call's number rather than by how many
   * calls wait: the count of waiting calls passes exactly a quarter only when the writer falls
   * behind after keeping up, and a branch that the JIT has seen go one way only is compiled as a
   * trap: the first time it went the other way, the tool thread's compiled call path was thrown
   * away and compiled anew (in {@code AgentOverheadBenchmark} at a random point of a run, which
   * then went on slower or faster than before). Taken once every few thousand calls, it is compiled
   * as a branch.
   */
  private void publish(long sequence) {
    // A release store, not a volatile one: the writer's volatile read of this number still sees
    // everything written to the slot before it, and the tool thread does not wait (a full fence)
    // for its stores to the slot, which were last touched by the writer on another core, to land.
    published.setRelease(index(sequence), sequence);
    if (((sequence + 1) & wakeMask) == 0) {
      Thread waiting = consumer;
      if (waiting != null) {
        LockSupport.unpark(waiting);
      }
    }
  }

  /**
   * Hands published calls to {@code reader} in order, at most {@code max}, stopping at the first
   * that is claimed but not yet published. Consumer thread only.
   *
   * @return the number of calls read
   */
  int drain(SlotReader reader, int max) {
    int read = 0;
    long next = consumed;
    try {
      while (read < max) {
        int index = index(next);
        if (published.get(index) != next) {
          break;
        }
        TraceSlot slot = slots[index];
        try {
          reader.read(slot);
        } finally {
          slot.release();
          next++;
        }
        read++;
      }
    } finally {
      // Once per batch rather than per slot: every producer reads this number on every call, so
      // each write of it costs them a cache miss. The slots before it are released already.
      consumed = next;
    }
    return read;
  }

  /** The oldest call as an event, or null when none is published (consumer thread; for tests). */
  public TraceEvent poll() {
    TraceEvent[] taken = new TraceEvent[1];
    drain(slot -> taken[0] = slot.toEvent(), 1);
    return taken[0];
  }

  /** Registers the thread that drains the queue, to be woken when the queue fills up. */
  void consumer(Thread thread) {
    this.consumer = thread;
  }

  /** Counts events lost after they left the queue (a failed write). */
  void lost(long count) {
    dropped.add(count);
  }

  /** Events dropped since start. */
  public long dropped() {
    return dropped.sum();
  }

  /** Events waiting now. */
  public int size() {
    return (int) Math.max(0, claimed.get() - consumed);
  }

  /** The queue's capacity. */
  public int capacity() {
    return capacity;
  }
}
