package dev.comfyagent.runtime.discover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.comfy.ComfyUiClient;
import dev.comfyagent.runtime.comfy.ComfyUiEventListener;
import dev.comfyagent.runtime.comfy.ComfyUiHttpException;
import dev.comfyagent.runtime.comfy.ComfyUiUnavailableException;
import dev.comfyagent.runtime.comfy.EventSubscription;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-test ComfyUI client: answers {@code /object_info} and {@code /models} from what the test
 * set, or fails like an unreachable ComfyUI when told to. Counts calls so tests can check caching.
 */
public final class FakeComfyUiClient implements ComfyUiClient {

  private volatile JsonNode objectInfo;
  private final Map<String, List<String>> models = new LinkedHashMap<>();
  private volatile boolean reachable = true;
  public final AtomicInteger objectInfoCalls = new AtomicInteger();
  public final AtomicInteger modelCalls = new AtomicInteger();

  public FakeComfyUiClient(JsonNode objectInfo) {
    this.objectInfo = objectInfo;
  }

  public FakeComfyUiClient objectInfo(JsonNode newObjectInfo) {
    this.objectInfo = newObjectInfo;
    return this;
  }

  public synchronized FakeComfyUiClient folder(String folder, String... files) {
    models.put(folder, new ArrayList<>(List.of(files)));
    return this;
  }

  public FakeComfyUiClient reachable(boolean isReachable) {
    this.reachable = isReachable;
    return this;
  }

  private void check() {
    if (!reachable) {
      throw new ComfyUiUnavailableException(
          "ComfyUI at "
              + endpoint()
              + " is not reachable (connection refused); circuit breaker"
              + " CLOSED",
          null);
    }
  }

  @Override
  public String endpoint() {
    return "127.0.0.1:8188";
  }

  @Override
  public JsonNode systemStats() {
    check();
    throw new UnsupportedOperationException("not needed by these tests");
  }

  @Override
  public JsonNode objectInfo() {
    objectInfoCalls.incrementAndGet();
    check();
    return objectInfo;
  }

  @Override
  public Optional<JsonNode> objectInfo(String classType) {
    check();
    return Optional.ofNullable(objectInfo.get(classType));
  }

  @Override
  public synchronized List<String> modelFolders() {
    modelCalls.incrementAndGet();
    check();
    return List.copyOf(models.keySet());
  }

  @Override
  public synchronized List<String> models(String folder) {
    modelCalls.incrementAndGet();
    check();
    List<String> files = models.get(folder);
    if (files == null) {
      throw new ComfyUiHttpException(404, "ComfyUI answered 404 for /models/" + folder);
    }
    return List.copyOf(files);
  }

  @Override
  public QueuedPrompt queuePrompt(ObjectNode prompt, String clientId) {
    check();
    throw new UnsupportedOperationException("not needed by these tests");
  }

  @Override
  public Optional<JsonNode> history(String promptId) {
    check();
    return Optional.empty();
  }

  @Override
  public JsonNode queue() {
    check();
    throw new UnsupportedOperationException("not needed by these tests");
  }

  @Override
  public void interrupt(String promptId) {
    check();
  }

  @Override
  public void deleteFromQueue(String promptId) {
    check();
  }

  @Override
  public EventSubscription subscribe(String clientId, ComfyUiEventListener listener) {
    check();
    return () -> {};
  }

  @Override
  public boolean isReachable() {
    return reachable;
  }

  @Override
  public String breakerState() {
    return "CLOSED";
  }
}
