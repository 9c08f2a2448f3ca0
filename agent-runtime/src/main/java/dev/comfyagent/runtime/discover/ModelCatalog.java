package dev.comfyagent.runtime.discover;

import dev.comfyagent.runtime.comfy.ComfyUiClient;
import dev.comfyagent.runtime.comfy.ComfyUiHttpException;
import dev.comfyagent.runtime.tool.ToolException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The model files ComfyUI can load: the folder names of {@code GET /models} ({@code checkpoints},
 * {@code loras}, {@code vae}, ...) and the files of each folder ({@code GET /models/{folder}}),
 * each list cached for a time-to-live and fetched again when older or on {@link #refresh()}.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * ModelCatalog models = new ModelCatalog(client, Duration.ofMinutes(5), Clock.systemUTC());
 * models.folders();               // ["checkpoints", "loras", ...]
 * models.files("checkpoints");    // ["sd_xl_base_1.0.safetensors", ...]
 * }</pre>
 *
 * <p>{@link #size()} is part of the contract with the instrument-javaagent's memory probe profile.
 *
 * <p>Thread-safe.
 */
public final class ModelCatalog {

  private static final String FOLDERS = "\u0000folders";

  private final ComfyUiClient client;
  private final Duration ttl;
  private final Clock clock;
  private final Map<String, Timed> cache = new ConcurrentHashMap<>();

  public ModelCatalog(ComfyUiClient client, Duration ttl, Clock clock) {
    this.client = client;
    this.ttl = ttl;
    this.clock = clock;
  }

  /**
   * The model folder names.
   *
   * @throws dev.comfyagent.runtime.comfy.ComfyUiException when ComfyUI cannot be asked
   */
  public List<String> folders() {
    Timed cached = cache.get(FOLDERS);
    if (cached != null && fresh(cached)) {
      return cached.names();
    }
    List<String> folders = List.copyOf(client.modelFolders());
    cache.put(FOLDERS, new Timed(folders, clock.instant()));
    return folders;
  }

  /**
   * The files of one folder.
   *
   * @throws ToolException when ComfyUI has no such folder, naming the folders it has
   * @throws dev.comfyagent.runtime.comfy.ComfyUiException when ComfyUI cannot be asked
   */
  public List<String> files(String folder) {
    Timed cached = cache.get(folder);
    if (cached != null && fresh(cached)) {
      return cached.names();
    }
    List<String> files;
    try {
      files = List.copyOf(client.models(folder));
    } catch (ComfyUiHttpException e) {
      if (e.status() != 404) {
        throw e;
      }
      cache.remove(folder);
      throw new ToolException(
          "ComfyUI has no model folder '"
              + folder
              + "'; its folders are: "
              + String.join(", ", folders()));
    }
    cache.put(folder, new Timed(files, clock.instant()));
    return files;
  }

  /** Forgets every cached list; the next call asks ComfyUI again. */
  public void refresh() {
    cache.clear();
  }

  /** Number of model file names held now (folder names not counted). */
  public int size() {
    int total = 0;
    for (Map.Entry<String, Timed> entry : cache.entrySet()) {
      if (!FOLDERS.equals(entry.getKey())) {
        total += entry.getValue().names().size();
      }
    }
    return total;
  }

  private boolean fresh(Timed timed) {
    return !clock.instant().isAfter(timed.at().plus(ttl));
  }

  private record Timed(List<String> names, Instant at) {}
}
