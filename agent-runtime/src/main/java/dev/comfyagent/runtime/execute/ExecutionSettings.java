package dev.comfyagent.runtime.execute;

import java.time.Duration;

/**
 * How executions are followed.
 *
 * @param overallTimeout how long one execution is followed at most; after that it is reported as
 *     timed out (ComfyUI may still be rendering)
 * @param defaultWait how long {@code execute_workflow} waits for the render before answering "still
 *     rendering" (MCP clients give up after about 60 s, so the default is 50 s)
 * @param maxWait the largest {@code wait_seconds} a caller may ask for
 * @param pollInterval how often {@code /history/{id}} is asked when the WebSocket is not there
 * @param retainedExecutions how many finished executions are kept for {@code get_execution_status}
 */
public record ExecutionSettings(
    Duration overallTimeout,
    Duration defaultWait,
    Duration maxWait,
    Duration pollInterval,
    int retainedExecutions) {

  public ExecutionSettings {
    requirePositive(overallTimeout, "overallTimeout");
    requirePositive(pollInterval, "pollInterval");
    if (defaultWait.isNegative() || maxWait.isNegative()) {
      throw new IllegalArgumentException("waits must not be negative");
    }
    if (retainedExecutions < 1) {
      throw new IllegalArgumentException("retainedExecutions must be at least 1");
    }
  }

  private static void requirePositive(Duration d, String name) {
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(name + " must be positive, got " + d);
    }
  }

  /** 30 min overall, 50 s default wait (at most 300 s), polling every second, 100 kept. */
  public static ExecutionSettings defaults() {
    return new ExecutionSettings(
        Duration.ofMinutes(30),
        Duration.ofSeconds(50),
        Duration.ofSeconds(300),
        Duration.ofSeconds(1),
        100);
  }
}
