package dev.comfyagent.instrument.emit;

import dev.comfyagent.instrument.record.AgentHealth;
import dev.comfyagent.instrument.record.AnchoredClock;
import dev.comfyagent.instrument.record.TraceSink;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The background thread that drains the {@link TraceQueue} into traces.jsonl: batches of whole
 * lines, each batch one write. Tool threads never wait for it, and it makes no object per line: the
 * {@link TraceLineEncoder} writes each line's bytes from the queue's slot.
 *
 * <p>One line per call, for example:
 *
 * <pre>{@code
 * {"ts":"2026-11-25T10:15:30.123Z","correlation_id":"4bf92f3577b34da6a3ce929d0e0e4736",
 *  "tool_name":"load_workflow","duration_ms":12.345,"success":true,
 *  "input_summary":"path=/work/flows/portrait.json","seq":1,"parent":null,"error.type":null,
 *  "mcp.method.name":"tools/call","gen_ai.tool.name":"load_workflow",
 *  "gen_ai.operation.name":"execute_tool","mcp.session.id":"7c1e...","jsonrpc.request.id":3,
 *  "service.name":"agent-runtime","service.instance.id":"render-07-4242-20261125T101530001Z",
 *  "telemetry.distro.version":"0.1.0"}
 * }</pre>
 *
 * <p>Thread-safe: {@link #start} and {@link #stop} may be called from any thread.
 */
public final class TraceWriter implements Runnable {

  private static final int BATCH_BYTES = 64 * 1024;
  // Lines encoded between two yields: about 15 µs of work.
  static final int SLICE = 16;
  // How long the writer sleeps once the queue is empty. Each wake costs the writer a timer and two
  // context switches whatever it finds, on a core the tool threads may want: at 50 ms a busy
  // server's
  // lines go out in batches of a few hundred and an idle one wakes it 20 times a second; the tool
  // threads wake it sooner when a quarter of the queue waits (TraceQueue#publish).
  static final int IDLE_PARK_MILLIS = 50;

  private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(IDLE_PARK_MILLIS);

  private final TraceQueue queue;
  private final JsonLinesFile file;
  private final AgentHealth health;
  private final TraceLineEncoder lines;
  private final TraceQueue.SlotReader writeSlot = this::write;
  private final LongAdder written = new LongAdder();
  private volatile TraceSink forward;
  private volatile boolean stopping;
  private Thread thread;

  /**
   * @param queue where events wait
   * @param file traces.jsonl
   * @param health counts failed writes
   */
  public TraceWriter(TraceQueue queue, JsonLinesFile file, AgentHealth health) {
    this(queue, file, health, null);
  }

  /**
   * @param queue where events wait
   * @param file traces.jsonl
   * @param health counts failed writes
   * @param identity the process, on every line ({@code null}: no identity fields)
   */
  public TraceWriter(
      TraceQueue queue, JsonLinesFile file, AgentHealth health, ProcessIdentity identity) {
    this.lines = new TraceLineEncoder(identity);
    this.queue = queue;
    this.file = file;
    this.health = health;
  }

  /** Starts the writer's daemon thread. */
  public synchronized void start() {
    thread = new Thread(this, "comfyagent-trace-writer");
    thread.setDaemon(true);
    queue.consumer(thread);
    thread.start();
  }

  /** Writes what is queued, then stops; waits at most {@code timeoutMillis}. */
  public void stop(long timeoutMillis) {
    stopping = true;
    Thread running;
    synchronized (this) {
      running = thread;
    }
    if (running != null) {
      LockSupport.unpark(running);
      try {
        running.join(timeoutMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Hands every event taken from the queue to {@code sink} as well, on this writer's thread (the
   * OTLP exporter's spans): the tool's thread pays nothing more. {@code sink} must not block.
   */
  public void forwardTo(TraceSink sink) {
    this.forward = sink;
  }

  /** Lines written since start. */
  public long written() {
    return written.sum();
  }

  @Override
  public void run() {
    while (!stopping) {
      // Here, not on the tool threads: keeps the stamps that calls derive from their nanoTime
      // within a millisecond of the system clock (see AnchoredClock).
      AnchoredClock.SYSTEM.reanchorIfDue();
      if (drainOnce() == 0) {
        LockSupport.parkNanos(this, IDLE_PARK_NANOS);
      }
    }
    while (drainOnce() > 0) {
      // the queue is emptied before the thread ends
    }
  }

  /** Writes one batch; returns the number of events taken from the queue. */
  int drainOnce() {
    int taken = 0;
    int read;
    while (lines.length() < BATCH_BYTES && (read = queue.drain(writeSlot, SLICE)) > 0) {
      taken += read;
      // The core goes back to any thread waiting for it between slices: a tool thread woken on this
      // core would otherwise wait for the whole batch, as the scheduler does not preempt a thread
      // that has slept most of the time for one that just woke.
      Thread.yield();
    }
    flush();
    return taken;
  }

  private void write(TraceSlot slot) {
    TraceSink also = forward;
    if (also != null) {
      try {
        also.offer(slot.toEvent());
      } catch (RuntimeException e) {
        health.internalError("forwarding a trace event", e);
      }
    }
    try {
      lines.line(slot);
    } catch (RuntimeException e) {
      queue.lost(1);
      health.internalError("trace line", e);
    }
  }

  private void flush() {
    if (lines.length() == 0) {
      return;
    }
    int count = lines.lines();
    try {
      file.append(lines.bytes(), 0, lines.length());
      written.add(count);
    } catch (IOException | RuntimeException e) {
      queue.lost(count);
      health.internalError("writing " + file.path(), e);
    } finally {
      lines.clear();
    }
  }
}
