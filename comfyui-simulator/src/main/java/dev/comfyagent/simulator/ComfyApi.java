package dev.comfyagent.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ComfyUI's HTTP routes, answered with ComfyUI's shapes, status codes and (where a client would
 * show them) words. Every route is served both bare and under {@code /api}, as ComfyUI does.
 *
 * <p>Thread-safe: state lives in the collaborators, which are thread-safe.
 */
final class ComfyApi extends Handler.Abstract {

  private static final Logger log = LoggerFactory.getLogger(ComfyApi.class);
  private static final String JSON_TYPE = "application/json; charset=utf-8";

  private final ObjectMapper json;
  private final NodeTypes nodeTypes;
  private final ModelLibrary models;
  private final PromptQueue queue;
  private final PromptRunner runner;
  private final RenderedImages images;
  private final java.util.function.IntSupplier port;

  ComfyApi(
      ObjectMapper json,
      NodeTypes nodeTypes,
      ModelLibrary models,
      PromptQueue queue,
      PromptRunner runner,
      RenderedImages images,
      java.util.function.IntSupplier port) {
    this.json = json;
    this.nodeTypes = nodeTypes;
    this.models = models;
    this.queue = queue;
    this.runner = runner;
    this.images = images;
    this.port = port;
  }

  /** The request path without the optional {@code /api} prefix. */
  static String routePath(Request request) {
    String path = Request.getPathInContext(request);
    if (path.equals("/api")) {
      return "/";
    }
    return path.startsWith("/api/") ? path.substring(4) : path;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String path = routePath(request);
    String method = request.getMethod();
    Fields query = Request.extractQueryParameters(request);
    boolean get = "GET".equals(method);
    boolean post = "POST".equals(method);

    if (get && path.equals("/system_stats")) {
      return json(response, callback, 200, systemStats());
    }
    if (get && path.equals("/object_info")) {
      return json(response, callback, 200, nodeTypes.objectInfo());
    }
    if (get && path.startsWith("/object_info/")) {
      String classType = decode(path.substring("/object_info/".length()));
      ObjectNode out = json.createObjectNode();
      nodeTypes.find(classType).ifPresent(entry -> out.set(classType, entry));
      return json(response, callback, 200, out);
    }
    if (get && path.equals("/models")) {
      return json(response, callback, 200, array(models.folders()));
    }
    if (get && path.startsWith("/models/")) {
      Optional<List<String>> files = models.files(decode(path.substring("/models/".length())));
      if (files.isEmpty()) {
        return text(response, callback, 404, "404: Not Found");
      }
      return json(response, callback, 200, array(files.get()));
    }
    if (get && path.equals("/embeddings")) {
      List<String> names =
          models.files("embeddings").orElse(List.of()).stream()
              .map(n -> n.contains(".") ? n.substring(0, n.lastIndexOf('.')) : n)
              .toList();
      return json(response, callback, 200, array(names));
    }
    if (get && path.equals("/prompt")) {
      ObjectNode info = json.createObjectNode();
      info.putObject("exec_info").put("queue_remaining", queue.remaining());
      return json(response, callback, 200, info);
    }
    if (post && path.equals("/prompt")) {
      return postPrompt(request, response, callback);
    }
    if (get && path.equals("/queue")) {
      return json(response, callback, 200, queue.queueJson());
    }
    if (post && path.equals("/queue")) {
      JsonNode body = readJson(request).orElse(json.createObjectNode());
      if (body.path("clear").asBoolean(false)) {
        queue.clearPending();
      }
      for (JsonNode id : body.path("delete")) {
        queue.delete(id.asText());
      }
      runner.broadcastStatus();
      return text(response, callback, 200, "");
    }
    if (get && path.equals("/history")) {
      String max = query.getValue("max_items");
      Integer maxItems = null;
      if (max != null) {
        try {
          maxItems = Integer.parseInt(max);
        } catch (NumberFormatException e) {
          return text(response, callback, 500, "500 Internal Server Error");
        }
      }
      return json(response, callback, 200, queue.historyJson(maxItems));
    }
    if (get && path.startsWith("/history/")) {
      return json(
          response, callback, 200, queue.historyJson(decode(path.substring("/history/".length()))));
    }
    if (post && path.equals("/history")) {
      JsonNode body = readJson(request).orElse(json.createObjectNode());
      if (body.path("clear").asBoolean(false)) {
        queue.clearHistory();
      }
      for (JsonNode id : body.path("delete")) {
        queue.deleteHistory(id.asText());
      }
      return text(response, callback, 200, "");
    }
    if (post && path.equals("/interrupt")) {
      JsonNode body = readJson(request).orElse(json.createObjectNode());
      String promptId = body.path("prompt_id").asText(null);
      runner.interrupt(promptId == null || promptId.isEmpty() ? null : promptId);
      return text(response, callback, 200, "");
    }
    if (post && path.equals("/free")) {
      JsonNode body = readJson(request).orElse(json.createObjectNode());
      if (body.path("free_memory").asBoolean(false)
          || body.path("unload_models").asBoolean(false)) {
        runner.clearCache();
      }
      return text(response, callback, 200, "");
    }
    if (get && path.equals("/view")) {
      return view(query, response, callback);
    }
    return text(response, callback, 404, "404: Not Found");
  }

  private boolean postPrompt(Request request, Response response, Callback callback)
      throws Exception {
    String body = Content.Source.asString(request, StandardCharsets.UTF_8);
    JsonNode data;
    try {
      data = json.readTree(body);
    } catch (JsonProcessingException e) {
      // aiohttp's request.json() raises; the unhandled error is a bare 500.
      log.warn("[simulator] POST /prompt with a body that is not JSON");
      return text(
          response, callback, 500, "500 Internal Server Error\n\nServer got itself in trouble");
    }
    if (data == null || !data.isObject() || !data.has("prompt")) {
      ObjectNode out = json.createObjectNode();
      out.set(
          "error",
          PromptValidator.error("no_prompt", "No prompt provided", "No prompt provided", null));
      out.putObject("node_errors");
      return json(response, callback, 400, out);
    }
    long number;
    if (data.has("number") && data.get("number").isNumber()) {
      number = data.get("number").asLong();
    } else {
      number = queue.nextNumber();
      if (data.path("front").asBoolean(false)) {
        number = -number;
      }
    }
    PromptValidator.Result result =
        PromptValidator.validate(nodeTypes.objectInfo(), data.get("prompt"));
    if (!result.valid()) {
      log.warn(
          "[simulator] invalid prompt: {} {}",
          result.error().path("message").asText(),
          result.nodeErrors());
      ObjectNode out = json.createObjectNode();
      out.set("error", result.error());
      out.set("node_errors", result.nodeErrors());
      return json(response, callback, 400, out);
    }
    ObjectNode extra =
        data.path("extra_data").isObject()
            ? ((ObjectNode) data.get("extra_data")).deepCopy()
            : json.createObjectNode();
    if (data.hasNonNull("client_id")) {
      extra.set("client_id", data.get("client_id"));
    }
    extra.put("create_time", System.currentTimeMillis());
    String promptId =
        data.hasNonNull("prompt_id")
            ? data.get("prompt_id").asText()
            : UUID.randomUUID().toString();
    queue.put(
        new QueueItem(
            number,
            promptId,
            ((ObjectNode) data.get("prompt")).deepCopy(),
            extra,
            result.outputsToExecute()));
    log.info("[simulator] got prompt {} (number {})", promptId, number);
    runner.broadcastStatus();
    ObjectNode out = json.createObjectNode();
    out.put("prompt_id", promptId);
    out.put("number", number);
    out.set("node_errors", result.nodeErrors());
    return json(response, callback, 200, out);
  }

  private boolean view(Fields query, Response response, Callback callback) {
    String filename = query.getValue("filename");
    if (filename == null) {
      return text(response, callback, 404, "404: Not Found");
    }
    if (filename.isEmpty() || filename.startsWith("/") || filename.contains("..")) {
      return text(response, callback, 400, "400: Bad Request");
    }
    String type = Optional.ofNullable(query.getValue("type")).orElse("output");
    if (!List.of("output", "input", "temp").contains(type)) {
      return text(response, callback, 400, "400: Bad Request");
    }
    String subfolder = Optional.ofNullable(query.getValue("subfolder")).orElse("");
    if (subfolder.contains("..") || subfolder.startsWith("/")) {
      return text(response, callback, 403, "403: Forbidden");
    }
    Optional<byte[]> png = images.find(type, subfolder, filename);
    if (png.isEmpty() && "input".equals(type) && models.inputFiles().contains(filename)) {
      png = Optional.of(RenderedImages.png("input/" + filename));
    }
    if (png.isEmpty()) {
      return text(response, callback, 404, "404: Not Found");
    }
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "image/png");
    response.getHeaders().put("Content-Disposition", "filename=\"" + filename + "\"");
    response.write(true, ByteBuffer.wrap(png.get()), callback);
    return true;
  }

  private ObjectNode systemStats() {
    boolean busy = queue.running().isPresent();
    ObjectNode stats = json.createObjectNode();
    ObjectNode system = stats.putObject("system");
    system.put("os", "linux");
    system.put("ram_total", 67_430_866_944L);
    system.put("ram_free", busy ? 38_215_462_912L : 52_886_011_904L);
    system.put("comfyui_version", "0.3.66");
    system.put("required_frontend_version", "1.28.7");
    system.put("python_version", "3.12.10 (main, Apr  9 2025, 04:03:51) [GCC 13.3.0]");
    system.put("pytorch_version", "2.8.0+cu128");
    system.put("embedded_python", false);
    ArrayNode argv = system.putArray("argv");
    argv.add("main.py")
        .add("--listen")
        .add("127.0.0.1")
        .add("--port")
        .add(String.valueOf(port.getAsInt()));
    // Not a ComfyUI field: says plainly that no GPU is behind these numbers.
    system.put("simulator", "comfy-agent ComfyUI simulator; renders nothing");
    ArrayNode devices = stats.putArray("devices");
    ObjectNode gpu = devices.addObject();
    gpu.put("name", "cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync");
    gpu.put("type", "cuda");
    gpu.put("index", 0);
    gpu.put("vram_total", 25_393_692_672L);
    gpu.put("vram_free", busy ? 14_563_475_456L : 24_117_903_360L);
    gpu.put("torch_vram_total", busy ? 9_663_676_416L : 0L);
    gpu.put("torch_vram_free", busy ? 1_048_576_000L : 0L);
    return stats;
  }

  private Optional<JsonNode> readJson(Request request) {
    try {
      String body = Content.Source.asString(request, StandardCharsets.UTF_8);
      if (body == null || body.isBlank()) {
        return Optional.empty();
      }
      JsonNode node = json.readTree(body);
      return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      // ComfyUI answers a body it cannot parse as if none was sent.
      return Optional.empty();
    }
  }

  private ArrayNode array(List<String> values) {
    ArrayNode out = json.createArrayNode();
    values.forEach(out::add);
    return out;
  }

  /** Jetty hands over the path already decoded; kept as one place to say so. */
  private static String decode(String segment) {
    return segment;
  }

  private boolean json(Response response, Callback callback, int status, JsonNode body) {
    String text;
    try {
      text = json.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON_TYPE);
    Content.Sink.write(response, true, text, callback);
    return true;
  }

  static boolean text(Response response, Callback callback, int status, String body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
    Content.Sink.write(response, true, body, callback);
    return true;
  }
}
