package dev.comfyagent.runtime.status;

import java.util.Optional;

/**
 * Which MCP connection queued a prompt, told by the {@code client_id} it was queued with; so that
 * {@code get_queue_status} can mark the renders a connection started. The execute package's tracker
 * answers it ({@code ExecutionTools#connectionOf}); the assembly passes it in, so neither package
 * imports the other.
 *
 * <p>Implementations are thread-safe and do not block on ComfyUI.
 */
@FunctionalInterface
public interface PromptOrigins {

  /** Knows no prompt: every queue item shows as started elsewhere. */
  PromptOrigins NONE = clientId -> Optional.empty();

  /**
   * The connection that queued the prompt sent with {@code clientId}; empty for prompts this
   * runtime did not queue (or no longer remembers).
   */
  Optional<String> connectionOf(String clientId);
}
