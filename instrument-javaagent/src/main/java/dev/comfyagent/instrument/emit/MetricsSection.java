package dev.comfyagent.instrument.emit;

import java.util.Map;

/**
 * An extra section of every metrics line, contributed by a hook (memory probes, GPU samples). Its
 * figures are a plain tree: maps, lists, strings, numbers, booleans and nulls.
 *
 * <p>Called on the metrics thread; must not block for long and must not throw (a failure is counted
 * as an internal error and the section is left out of that line).
 */
public interface MetricsSection {

  /** The section's key in the metrics line, e.g. {@code "memory"} or {@code "gpu"}. */
  String name();

  /**
   * The section's figures.
   *
   * @param lineEnds whether this call is for a metrics line (an interval ends), as opposed to a
   *     read for a stats request
   */
  Map<String, ?> figures(boolean lineEnds);
}
