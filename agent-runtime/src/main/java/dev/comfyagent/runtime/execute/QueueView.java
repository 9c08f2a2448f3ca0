package dev.comfyagent.runtime.execute;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * Reads ComfyUI's {@code GET /queue} answer: items are {@code [number, prompt_id, prompt,
 * extra_data, outputs_to_execute]}.
 */
final class QueueView {

  /** Where a prompt is in the queue. */
  enum Place {
    RUNNING,
    PENDING,
    ABSENT
  }

  private final JsonNode queue;

  QueueView(JsonNode queue) {
    this.queue = queue;
  }

  JsonNode running() {
    return queue.path("queue_running");
  }

  JsonNode pending() {
    return queue.path("queue_pending");
  }

  Place placeOf(String promptId) {
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
  Optional<String> describeWait(String promptId) {
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
  Optional<JsonNode> promptOf(String promptId) {
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
