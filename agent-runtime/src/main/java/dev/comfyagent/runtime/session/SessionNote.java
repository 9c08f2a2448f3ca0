package dev.comfyagent.runtime.session;

import java.time.Instant;
import java.util.Objects;

/**
 * A note the assistant took in a session ("client wants the sky warmer; seed 42 was the keeper").
 *
 * @param at when it was taken
 * @param text what it says
 */
public record SessionNote(Instant at, String text) {

  public SessionNote {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(text, "text");
  }
}
