package dev.comfyagent.instrument.export.figures;

import java.util.List;

/**
 * Everything the exporters send, read at one moment ({@link FiguresReader}): the same figures as a
 * metrics.jsonl line's totals and gauges, with each tool's latency as cumulative buckets of {@link
 * DurationBuckets}.
 *
 * @param epochMillis when the figures were read
 * @param startEpochMillis when the agent started (the start of every cumulative figure)
 * @param tools every tool tracked, by name
 * @param breakers every circuit breaker, by name
 * @param limiters every rate limiter, by name
 * @param activeSessions sessions open now, or -1 when no session registry was seen
 * @param memory the memory probes' section, or {@code null} when it is off
 * @param gpu the GPU's last reading, or {@code null} when there is none
 * @param health the agent's own health
 */
public record Figures(
    long epochMillis,
    long startEpochMillis,
    List<Tool> tools,
    List<Breaker> breakers,
    List<Limiter> limiters,
    int activeSessions,
    Memory memory,
    Gpu gpu,
    Health health) {

  /**
   * One tool since start.
   *
   * @param name the tool's name ({@code _other} for the calls of names past the bound)
   * @param ok calls that succeeded
   * @param err calls that failed
   * @param count calls in the latency histogram
   * @param sumSeconds the latencies' sum
   * @param cumulative calls of at most each bound of {@link DurationBuckets}
   * @param minSeconds the lowest latency (0 when none)
   * @param maxSeconds the highest latency (0 when none)
   */
  public record Tool(
      String name,
      long ok,
      long err,
      long count,
      double sumSeconds,
      long[] cumulative,
      double minSeconds,
      double maxSeconds) {}

  /**
   * A circuit breaker.
   *
   * @param name its name
   * @param state its current state ({@code CLOSED}, {@code OPEN}, ... or {@code UNKNOWN})
   * @param transitions state changes since start
   */
  public record Breaker(String name, String state, long transitions) {}

  /**
   * A rate limiter since start.
   *
   * @param name its name
   * @param permitted permissions granted
   * @param rejected permissions refused
   */
  public record Limiter(String name, long permitted, long rejected) {}

  /**
   * The memory probes' figures.
   *
   * @param heapUsedBytes heap in use, or -1
   * @param heapMaxBytes the heap's limit, or -1 when it has none
   * @param probes each probe's reading
   */
  public record Memory(long heapUsedBytes, long heapMaxBytes, List<Probe> probes) {}

  /**
   * One memory probe.
   *
   * @param name the probe's name
   * @param value the sum over its instances, or -1 when none could be read
   * @param instances instances read
   */
  public record Probe(String name, long value, long instances) {}

  /**
   * The GPU's last reading.
   *
   * @param index the device's index ({@code hw.id})
   * @param name the device's name, or {@code null}
   * @param utilization busy fraction 0 to 1, or -1 when not read
   * @param memoryUsedBytes VRAM in use, or -1
   * @param memoryTotalBytes VRAM in all, or -1
   */
  public record Gpu(
      String index, String name, double utilization, long memoryUsedBytes, long memoryTotalBytes) {}

  /**
   * The agent's own health.
   *
   * @param classesInstrumented classes woven
   * @param instrumentationFailures classes that could not be woven
   * @param traceLinesWritten trace lines written
   * @param traceLinesDropped trace lines dropped
   * @param internalErrors failures inside the agent kept from the host
   * @param toolCallsObservable false when an SDK server was woven but its tool calls cannot be seen
   * @param toolCallsFolded calls of tool names past {@code metrics.tools.max}, counted as {@code
   *     _other}
   * @param toolNamesTracked distinct tool names tracked
   * @param toolNamesLimit {@code metrics.tools.max}
   * @param spansExported spans the OTLP collector accepted
   * @param spansDropped spans lost on the way to it
   * @param exportRequestsFailed OTLP requests that failed for good
   */
  public record Health(
      long classesInstrumented,
      long instrumentationFailures,
      long traceLinesWritten,
      long traceLinesDropped,
      long internalErrors,
      boolean toolCallsObservable,
      long toolCallsFolded,
      int toolNamesTracked,
      int toolNamesLimit,
      long spansExported,
      long spansDropped,
      long exportRequestsFailed) {}
}
