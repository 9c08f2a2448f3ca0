package dev.comfyagent.instrument.emit;

import dev.comfyagent.instrument.record.TraceEvent;
import dev.comfyagent.instrument.record.TraceSink;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The bounded, lock-free queue between tool threads and the trace writer. {@link #offer} never
 * blocks and never waits: when the queue holds {@code capacity} events, the new one is dropped and
 * counted ({@code agent.trace_lines_dropped} in metrics.jsonl).
 *
 * <p>Usage:
 *
 * <pre>{@code
 * TraceQueue queue = new TraceQueue(8192);
 * queue.offer(event);            // tool thread
 * TraceEvent next = queue.poll(); // writer thread
 * }</pre>
 *
 * <p>Thread-safe: any number of producers, one consumer.
 */
public final class TraceQueue implements TraceSink {

  private final ConcurrentLinkedQueue<TraceEvent> events = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final LongAdder dropped = new LongAdder();
  private final int capacity;
  private final int wakeAt;
  private volatile Thread consumer;

  /**
   * @param capacity events held at most; must be at least 1
   */
  public TraceQueue(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("trace queue capacity must be at least 1: " + capacity);
    }
    this.capacity = capacity;
    this.wakeAt = Math.max(1, capacity / 4);
  }

  @Override
  public boolean offer(TraceEvent event) {
    int now = size.incrementAndGet();
    if (now > capacity) {
      size.decrementAndGet();
      dropped.increment();
      return false;
    }
    events.offer(event);
    if (now == wakeAt) {
      Thread waiting = consumer;
      if (waiting != null) {
        LockSupport.unpark(waiting);
      }
    }
    return true;
  }

  /** The oldest event, or null when the queue is empty. */
  public TraceEvent poll() {
    TraceEvent event = events.poll();
    if (event != null) {
      size.decrementAndGet();
    }
    return event;
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
    return size.get();
  }

  /** The queue's capacity. */
  public int capacity() {
    return capacity;
  }
}
