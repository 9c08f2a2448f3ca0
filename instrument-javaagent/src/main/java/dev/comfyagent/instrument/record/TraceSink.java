package dev.comfyagent.instrument.record;

/**
 * Where finished calls go when tracing is on: a bounded queue that never blocks the caller.
 *
 * <p>The tracker hands over each call as a {@link CallRecord} that it reuses ({@link
 * #offer(CallRecord)}); a sink copies what it keeps before returning, so the tool's thread makes no
 * object per call. A sink that only implements {@link #offer(TraceEvent)} (a test's list) gets an
 * event built from the record.
 */
@FunctionalInterface
public interface TraceSink {

  /**
   * Hands over one event without blocking.
   *
   * @return {@code false} when the event was dropped (and counted) because the sink is full
   */
  boolean offer(TraceEvent event);

  /**
   * Hands over one finished call without blocking. {@code call} is reused by the caller as soon as
   * this returns: a sink copies what it keeps.
   *
   * @return {@code false} when the call was dropped (and counted) because the sink is full
   */
  default boolean offer(CallRecord call) {
    return offer(call.toEvent());
  }
}
