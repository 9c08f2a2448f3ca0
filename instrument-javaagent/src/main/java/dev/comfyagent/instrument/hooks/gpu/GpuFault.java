package dev.comfyagent.instrument.hooks.gpu;

import java.util.Objects;

/**
 * One problem met while taking a sample: its kind (counted) and a message for the operator.
 *
 * @param kind what went wrong
 * @param message what happened, naming the command or address and the offending value
 */
public record GpuFault(GpuFaultKind kind, String message) {

  /** Checks the components are present. */
  public GpuFault {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return kind.label() + ": " + message;
  }
}
