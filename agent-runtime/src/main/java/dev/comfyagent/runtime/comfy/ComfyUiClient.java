package dev.comfyagent.runtime.comfy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * ComfyUI's HTTP and WebSocket API as the runtime uses it.
 *
 * <p>OWNER: comfy helper ({@code HttpComfyUiClient} implements it over {@code java.net.http}, every
 * call behind a Resilience4j circuit breaker and rate limiter and under a timeout). Other packages
 * depend on this interface only.
 *
 * <p>Every method either returns ComfyUI's answer or throws a {@link ComfyUiException} whose
 * message an artist can act on: {@link ComfyUiUnavailableException} names host:port and the breaker
 * state; {@link ComfyUiHttpException} the status and an excerpt of the body; {@link
 * PromptRejectedException} carries ComfyUI's {@code node_errors}. Implementations are thread-safe.
 */
public interface ComfyUiClient {

  /** {@code host:port} of the ComfyUI this client talks to, for messages. */
  String endpoint();

  /** {@code GET /system_stats}: {@code {system: {...}, devices: [...]}}. */
  JsonNode systemStats();

  /** {@code GET /object_info}: every node type. */
  JsonNode objectInfo();

  /** {@code GET /object_info/{class}}: empty when ComfyUI does not know the class. */
  Optional<JsonNode> objectInfo(String classType);

  /** {@code GET /models}: the model folder names ({@code checkpoints}, {@code loras}, ...). */
  List<String> modelFolders();

  /**
   * {@code GET /models/{folder}}: the file names in one folder.
   *
   * @throws ComfyUiHttpException with status 404 when the folder does not exist
   */
  List<String> models(String folder);

  /**
   * {@code POST /prompt}: queues a workflow in API format.
   *
   * @throws PromptRejectedException when ComfyUI answers 400 (validation failed: node_errors)
   */
  QueuedPrompt queuePrompt(ObjectNode prompt, String clientId);

  /**
   * {@code GET /history/{id}}: the prompt's history entry ({@code {prompt, outputs, status,
   * meta}}), empty while the prompt has not finished.
   */
  Optional<JsonNode> history(String promptId);

  /** {@code GET /queue}: {@code {queue_running: [...], queue_pending: [...]}}. */
  JsonNode queue();

  /**
   * {@code POST /interrupt}, for one prompt when {@code promptId} is given, else the running one.
   */
  void interrupt(String promptId);

  /**
   * Opens {@code /ws?clientId=} and delivers its JSON messages ({@code {type, data}}) to {@code
   * listener} until closed; binary preview frames are skipped. Returns once ComfyUI greeted the
   * socket with its first message ({@code status}, sent when ComfyUI has registered the client id;
   * messages for an id it has not registered yet are dropped), or after a short wait without one: a
   * prompt queued after this returns loses no message.
   *
   * @throws ComfyUiUnavailableException when the socket cannot be opened
   */
  EventSubscription subscribe(String clientId, ComfyUiEventListener listener);

  /**
   * {@code POST /queue {"delete": [promptId]}}: removes a prompt that is still waiting in the queue
   * (ComfyUI's {@code /interrupt} only stops the running one). Removing a prompt that is not
   * waiting changes nothing.
   *
   * @throws ComfyUiUnavailableException when ComfyUI cannot be reached
   */
  void deleteFromQueue(String promptId);

  /**
   * The {@code /view} URL of an output file, for showing it to the artist.
   *
   * @param filename the file name from {@code outputs}
   * @param subfolder its subfolder, possibly empty
   * @param type {@code output}, {@code temp} or {@code input}
   */
  default String viewUrl(String filename, String subfolder, String type) {
    java.nio.charset.Charset utf8 = java.nio.charset.StandardCharsets.UTF_8;
    return "http://"
        + endpoint()
        + "/view?filename="
        + java.net.URLEncoder.encode(filename, utf8).replace("+", "%20")
        + "&subfolder="
        + java.net.URLEncoder.encode(subfolder == null ? "" : subfolder, utf8).replace("+", "%20")
        + "&type="
        + java.net.URLEncoder.encode(type == null ? "output" : type, utf8);
  }

  /** Whether ComfyUI answers {@code /system_stats} now; never throws. */
  boolean isReachable();

  /** The circuit breaker's state now: {@code CLOSED}, {@code OPEN}, {@code HALF_OPEN}, ... */
  String breakerState();

  /**
   * What {@code POST /prompt} answered when ComfyUI accepted a prompt.
   *
   * @param promptId the id to follow the execution by
   * @param number the position ComfyUI gave it
   * @param nodeErrors non-fatal node errors (usually empty)
   */
  record QueuedPrompt(String promptId, long number, JsonNode nodeErrors) {}
}
