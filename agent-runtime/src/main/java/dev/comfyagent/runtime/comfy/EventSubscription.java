package dev.comfyagent.runtime.comfy;

/** An open {@code /ws} subscription; closing it closes the socket. Idempotent. */
public interface EventSubscription extends AutoCloseable {

  @Override
  void close();
}
