package dev.comfyagent.runtime.comfy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * Reads ComfyUI's {@code GET /queue} answer ({@link ComfyUiClient#queue()}): items are {@code
 * [number, prompt_id, prompt, extra_data, outputs_to_execute]}.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * QueueView queue = new QueueView(client.queue());
 * if (queue.placeOf(promptId) == QueueView.Place.PENDING) { ... }
 * }</pre>
 *
 * <p>A read-only view of one answer; thread-safe as long as nobody changes the JSON it reads.
 */
public final class QueueView {

  /** Where a prompt is in the queue. */
  public enum Place {
    RUNNING,
    PENDING,
    ABSENT
  }

  private final JsonNode queue;

  /** A view of {@code queue}, the JSON of {@code GET /queue}. */
  public QueueView(JsonNode queue) {
    this.queue = queue;
  }

  /** The running items (usually one), or an empty node. */
  public JsonNode running() {
    return queue.path("queue_running");
  }

  /** The waiting items in queue order, or an empty node. */
  public JsonNode pending() {
    return queue.path("queue_pending");
  }

  /** Whether the prompt is running, waiting or not in the queue. */
  public Place placeOf(String promptId) {
    for (JsonNode item : running()) {
      if (promptId.equals(item.path(1).asText())) {
        return Place.RUNNING;
      }
    }
    for (JsonNode item : pending()) {
      if (promptId.equals(item.path(1).asText())) {
        return Place.PENDING;
      }
    }
    return Place.ABSENT;
  }

  /** "waiting in ComfyUI's queue at position 2 of 3, 1 running ahead of it", when pending. */
  public Optional<String> describeWait(String promptId) {
    int position = 0;
    for (JsonNode item : pending()) {
      position++;
      if (promptId.equals(item.path(1).asText())) {
        return Optional.of(
            "waiting in ComfyUI's queue at position "
                + position
                + " of "
                + pending().size()
                + ", "
                + running().size()
                + " running ahead of it");
      }
    }
    return Optional.empty();
  }

  /** The prompt (API format) of a queued item, if ComfyUI lists it. */
  public Optional<JsonNode> promptOf(String promptId) {
    for (JsonNode list : new JsonNode[] {running(), pending()}) {
      for (JsonNode item : list) {
        if (promptId.equals(item.path(1).asText())) {
          return Optional.of(item.path(2));
        }
      }
    }
    return Optional.empty();
  }
}
