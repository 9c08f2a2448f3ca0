package dev.comfyagent.instrument.record;

/** Where finished calls go when tracing is on: a bounded queue that never blocks the caller. */
@FunctionalInterface
public interface TraceSink {

  /**
   * Hands over one event without blocking.
   *
   * @return {@code false} when the event was dropped (and counted) because the sink is full
   */
  boolean offer(TraceEvent event);
}
