package dev.comfyagent.runtime.comfy;

import java.time.Duration;

/**
 * Where ComfyUI is and how patiently to talk to it.
 *
 * @param host host name or address ({@code COMFYUI_HOST}, default 127.0.0.1)
 * @param port port ({@code COMFYUI_PORT}, default 8188)
 * @param connectTimeout TCP connect timeout
 * @param requestTimeout timeout of one HTTP request (object_info on a big install takes seconds)
 * @param breakerFailureThreshold failures in a row that open the circuit breaker (default 3)
 * @param breakerOpenDuration how long the breaker stays open before a trial call (default 30 s)
 * @param requestsPerSecond rate limit of calls to ComfyUI
 */
public record ComfyUiSettings(
    String host,
    int port,
    Duration connectTimeout,
    Duration requestTimeout,
    int breakerFailureThreshold,
    Duration breakerOpenDuration,
    int requestsPerSecond) {

  /** 127.0.0.1:8188 with the documented defaults. */
  public static ComfyUiSettings defaults() {
    return new ComfyUiSettings(
        "127.0.0.1",
        8188,
        Duration.ofSeconds(5),
        Duration.ofSeconds(30),
        3,
        Duration.ofSeconds(30),
        20);
  }

  /** The same settings for another host and port. */
  public ComfyUiSettings withAddress(String newHost, int newPort) {
    return new ComfyUiSettings(
        newHost,
        newPort,
        connectTimeout,
        requestTimeout,
        breakerFailureThreshold,
        breakerOpenDuration,
        requestsPerSecond);
  }
}
