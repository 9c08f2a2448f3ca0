package dev.comfyagent.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.comfy.ComfyUiClient;
import dev.comfyagent.runtime.comfy.ComfyUiEventListener;
import dev.comfyagent.runtime.comfy.ComfyUiSettings;
import dev.comfyagent.runtime.comfy.ComfyUiUnavailableException;
import dev.comfyagent.runtime.comfy.EventSubscription;
import java.util.List;
import java.util.Optional;

/**
 * TEMPORARY, for the integrator to delete: the ComfyUI client of a runtime built without {@code
 * HttpComfyUiClient}. Every call fails the way an unreachable ComfyUI does, naming host:port, so
 * that the tools that need ComfyUI answer with a clean error and the others work. {@link
 * RuntimeMain#comfyUiClient} returns {@code new HttpComfyUiClient(settings)} once that exists.
 */
final class UnreachableComfyUiClient implements ComfyUiClient {

  private final String endpoint;

  UnreachableComfyUiClient(ComfyUiSettings settings) {
    this.endpoint = settings.host() + ":" + settings.port();
  }

  private ComfyUiUnavailableException unavailable() {
    return new ComfyUiUnavailableException(
        "ComfyUI at "
            + endpoint
            + " is not reachable: this runtime was built without its HTTP client; circuit breaker"
            + " CLOSED",
        null);
  }

  @Override
  public String endpoint() {
    return endpoint;
  }

  @Override
  public JsonNode systemStats() {
    throw unavailable();
  }

  @Override
  public JsonNode objectInfo() {
    throw unavailable();
  }

  @Override
  public Optional<JsonNode> objectInfo(String classType) {
    throw unavailable();
  }

  @Override
  public List<String> modelFolders() {
    throw unavailable();
  }

  @Override
  public List<String> models(String folder) {
    throw unavailable();
  }

  @Override
  public QueuedPrompt queuePrompt(ObjectNode prompt, String clientId) {
    throw unavailable();
  }

  @Override
  public Optional<JsonNode> history(String promptId) {
    throw unavailable();
  }

  @Override
  public JsonNode queue() {
    throw unavailable();
  }

  @Override
  public void interrupt(String promptId) {
    throw unavailable();
  }

  @Override
  public EventSubscription subscribe(String clientId, ComfyUiEventListener listener) {
    throw unavailable();
  }

  @Override
  public boolean isReachable() {
    return false;
  }

  @Override
  public String breakerState() {
    return "CLOSED";
  }
}
