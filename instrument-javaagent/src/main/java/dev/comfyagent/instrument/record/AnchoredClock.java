package dev.comfyagent.instrument.record;

import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * The wall-clock time of a {@link System#nanoTime()} reading: a traced call stamps its trace line
 * from the {@code nanoTime} it already read at entry, so it reads no second clock. The wall clock
 * and {@code nanoTime} are read together once (an <i>anchor</i>, as OpenTelemetry's {@code
 * AnchoredClock} does) and a reading's wall-clock time is the anchor's plus the {@code nanoTime}
 * that passed since.
 *
 * <p><b>Re-anchoring.</b> {@code nanoTime} and the system clock drift apart (NTP slews the system
 * clock by up to 0.5 ms a second), so the trace writer calls {@link #reanchorIfDue()} between
 * batches: at most every {@value #CHECK_INTERVAL_MILLIS} ms it reads both clocks, and when the
 * derived time is {@value #TOLERANCE_MICROS} µs or more off the system clock it anchors anew. A
 * derived time then stays within about 1 ms of {@link System#currentTimeMillis()}.
 *
 * <p><b>Monotonic.</b> Times derived from later {@code nanoTime} readings are never earlier, across
 * a re-anchor too: a reading taken before the newest anchor is converted with the anchor before it,
 * and when the system clock is found behind the derived time, derived times hold at the time the
 * old anchor gave until the system clock catches up (the stamps pause for at most that difference,
 * never step back).
 *
 * <p><b>A clock that is set.</b> A system clock set forward is followed at the next check. A system
 * clock set back by more than {@value #JUMP_BACK_MILLIS} ms is followed too, and there derived
 * times step back with it, as {@code currentTimeMillis} does: holding stamps still until the system
 * clock catches up would stamp every call of the next minutes or hours with one time. Trace lines
 * keep their order within a chain through {@code seq}, not through their times.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * long start = System.nanoTime();
 * ...
 * long epochMillis = AnchoredClock.SYSTEM.epochMillis(start);  // any thread, allocation-free
 * AnchoredClock.SYSTEM.reanchorIfDue();                         // a background thread, now and then
 * }</pre>
 *
 * <p>Thread-safe: {@link #epochMillis} reads one immutable anchor; re-anchoring is synchronized.
 */
public final class AnchoredClock {

  /** The process's clock: {@link System#nanoTime()} anchored to the system clock. */
  public static final AnchoredClock SYSTEM =
      new AnchoredClock(System::nanoTime, AnchoredClock::systemEpochNanos);

  static final long CHECK_INTERVAL_MILLIS = 1_000;
  static final long TOLERANCE_MICROS = 200;
  static final long JUMP_BACK_MILLIS = 1_000;

  private static final long NANOS_PER_MILLI = 1_000_000L;
  private static final long CHECK_INTERVAL_NANOS = CHECK_INTERVAL_MILLIS * NANOS_PER_MILLI;
  private static final long TOLERANCE_NANOS = TOLERANCE_MICROS * 1_000L;
  private static final long JUMP_BACK_NANOS = JUMP_BACK_MILLIS * NANOS_PER_MILLI;
  // Both clocks read within this window are one reading; a wider one (the thread was preempted
  // between the reads) is read again, a few times at most.
  private static final long TIGHT_READ_NANOS = 20_000;
  private static final int READ_TRIES = 5;

  private final LongSupplier nanoTime;
  private final LongSupplier epochNanos;
  private volatile Anchor anchor;
  private volatile long lastCheck;

  /**
   * @param nanoTime a monotonic clock in nanoseconds ({@link System#nanoTime()})
   * @param epochNanos the wall clock in nanoseconds since the epoch
   */
  AnchoredClock(LongSupplier nanoTime, LongSupplier epochNanos) {
    this.nanoTime = nanoTime;
    this.epochNanos = epochNanos;
    long[] reading = read();
    this.anchor = new Anchor(reading[0], reading[1], Long.MIN_VALUE, null);
    this.lastCheck = reading[0];
  }

  /**
   * The wall-clock time, in milliseconds since the epoch, at which {@code nanoTime} was read from
   * this clock's monotonic source. Allocation-free.
   */
  public long epochMillis(long nanoTime) {
    return Math.floorDiv(anchor.epochNanos(nanoTime), NANOS_PER_MILLI);
  }

  /**
   * Compares the derived time with the system clock when the last check is {@value
   * #CHECK_INTERVAL_MILLIS} ms old or more, and anchors anew when they differ by {@value
   * #TOLERANCE_MICROS} µs or more. Cheap when not due (one {@code nanoTime} read).
   */
  public void reanchorIfDue() {
    if (nanoTime.getAsLong() - lastCheck >= CHECK_INTERVAL_NANOS) {
      reanchor();
    }
  }

  /**
   * Reads both clocks and anchors anew when the derived time is off by the tolerance or more.
   *
   * @return whether a new anchor was taken
   */
  synchronized boolean reanchor() {
    long[] reading = read();
    long now = reading[0];
    long wall = reading[1];
    lastCheck = now;
    Anchor old = anchor;
    long derived = old.epochNanos(now);
    long off = wall - derived;
    if (Math.abs(off) < TOLERANCE_NANOS) {
      return false;
    }
    // Behind by a little (drift): hold at the old anchor's time until the system clock passes it.
    // Ahead, the new anchor is later anyway. Set back by more than a jump: follow it.
    long floor = off < -JUMP_BACK_NANOS ? Long.MIN_VALUE : derived;
    anchor = new Anchor(now, wall, floor, old.withoutBefore());
    return true;
  }

  /** {@code nanoTime} and the wall clock, read as close together as this thread manages. */
  private long[] read() {
    long bestWindow = Long.MAX_VALUE;
    long[] best = new long[2];
    for (int i = 0; i < READ_TRIES && bestWindow > TIGHT_READ_NANOS; i++) {
      long before = nanoTime.getAsLong();
      long wall = epochNanos.getAsLong();
      long after = nanoTime.getAsLong();
      long window = after - before;
      if (window < bestWindow) {
        bestWindow = window;
        best[0] = before + window / 2;
        best[1] = wall;
      }
    }
    return best;
  }

  private static long systemEpochNanos() {
    // Instant.now() has the system clock's full resolution (microseconds or better), where
    // currentTimeMillis would put the anchor up to 1 ms early.
    Instant now = Instant.now();
    return Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000_000L), now.getNano());
  }

  /**
   * Wall-clock nanoseconds {@code epochNanos} at monotonic {@code nanoTime}; derived times from
   * this anchor are at least {@code floorEpochNanos}; readings taken before it go to {@code before}
   * (one anchor back only, so that anchors do not chain without end).
   */
  private record Anchor(long nanoTime, long epochNanos, long floorEpochNanos, Anchor before) {

    long epochNanos(long at) {
      long since = at - nanoTime;
      if (since < 0 && before != null) {
        return before.epochNanos(at);
      }
      return Math.max(floorEpochNanos, epochNanos + since);
    }

    Anchor withoutBefore() {
      return before == null ? this : new Anchor(nanoTime, epochNanos, floorEpochNanos, null);
    }
  }
}
