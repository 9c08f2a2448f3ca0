package dev.comfyagent.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulator's worker: runs queued prompts one at a time, the way ComfyUI's prompt worker does,
 * and tells the prompt's client about it over {@code /ws} with ComfyUI's message sequence: {@code
 * execution_start}, {@code execution_cached}, {@code executing} per node, {@code progress} per
 * sampler step (with binary preview frames), {@code executed} for output nodes, then {@code
 * execution_success} (or {@code execution_error} / {@code execution_interrupted}) and {@code
 * executing} with {@code node: null}. Nothing is computed: every node takes one step delay, a
 * sampler one per step.
 *
 * <p>Like ComfyUI's default ("classic") cache, a node whose class and inputs (and everything
 * upstream) are the same as in the previous prompt is not run again; a cached output node still
 * reports its earlier images.
 *
 * <p>Thread-safe: one worker thread runs prompts; {@link #interrupt} and {@link #currentNode} may
 * be called from any thread.
 */
final class PromptRunner implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(PromptRunner.class);
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final Set<String> SAMPLERS =
      Set.of("KSampler", "KSamplerAdvanced", "SamplerCustomAdvanced", "SamplerCustom");
  private static final int MAX_IMAGES_PER_NODE = 64;
  private static final int PREVIEW_EVERY_STEPS = 4;

  private final PromptQueue queue;
  private final EventChannel events;
  private final Faults faults;
  private final NodeTypes nodeTypes;
  private final RenderedImages images;
  private final AtomicBoolean interrupted = new AtomicBoolean();
  // Bumped by crash(): a prompt that started under an older generation is abandoned unrecorded.
  private final java.util.concurrent.atomic.AtomicLong generation =
      new java.util.concurrent.atomic.AtomicLong();
  private final Map<String, ObjectNode> cache = new ConcurrentHashMap<>();

  private volatile Duration stepDelay;
  private volatile boolean previews = true;
  private volatile String currentNode;
  private volatile boolean stopped;

  PromptRunner(
      PromptQueue queue,
      EventChannel events,
      Faults faults,
      NodeTypes nodeTypes,
      RenderedImages images,
      Duration stepDelay) {
    this.queue = queue;
    this.events = events;
    this.faults = faults;
    this.nodeTypes = nodeTypes;
    this.images = images;
    this.stepDelay = stepDelay;
  }

  void stepDelay(Duration delay) {
    this.stepDelay = delay;
  }

  void previews(boolean send) {
    this.previews = send;
  }

  void stop() {
    stopped = true;
  }

  /** The node running now, for a client that reconnects mid-run. */
  Optional<String> currentNode() {
    return Optional.ofNullable(currentNode);
  }

  /**
   * {@code POST /interrupt}: stops the running prompt, or only {@code promptId} when given (a
   * pending prompt is not touched, as in ComfyUI).
   */
  void interrupt(String promptId) {
    Optional<QueueItem> running = queue.running();
    if (promptId == null) {
      log.info("[simulator] global interrupt");
      interrupted.set(true);
    } else if (running.isPresent() && running.get().promptId().equals(promptId)) {
      log.info("[simulator] interrupting prompt {}", promptId);
      interrupted.set(true);
    } else {
      log.info("[simulator] prompt {} is not currently running, skipping interrupt", promptId);
    }
  }

  /**
   * As ComfyUI's process dying: the running prompt stops where it is and leaves no history entry,
   * no {@code execution_*} message and no cache; the worker lets go of it at its next step.
   */
  void crash() {
    generation.incrementAndGet();
    cache.clear();
    currentNode = null;
  }

  private void abandonIfCrashed(QueueItem item, long startedIn) throws Abandoned {
    if (generation.get() != startedIn) {
      queue.abandon(item);
      log.info("[simulator] prompt {} lost: the simulated ComfyUI crashed", item.promptId());
      throw new Abandoned();
    }
  }

  /** The running prompt was lost in a simulated crash. */
  private static final class Abandoned extends Exception {
    private static final long serialVersionUID = 1L;

    Abandoned() {
      super(null, null, false, false);
    }
  }

  @Override
  public void run() {
    while (!stopped) {
      QueueItem item;
      try {
        item = queue.take(200);
      } catch (InterruptedException e) {
        return;
      }
      if (item == null) {
        continue;
      }
      try {
        execute(item);
      } catch (Abandoned e) {
        continue;
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.error("[simulator] defect while running prompt {}", item.promptId(), e);
        queue.finish(item, historyEntry(item, JSON.objectNode(), List.of(), false));
      }
      broadcastStatus();
    }
  }

  void broadcastStatus() {
    ObjectNode status = JSON.objectNode();
    status.putObject("status").putObject("exec_info").put("queue_remaining", queue.remaining());
    events.send(null, "status", status);
  }

  private void execute(QueueItem item) throws InterruptedException, Abandoned {
    long startedIn = generation.get();
    // ComfyUI clears the interrupt flag when a prompt starts: an earlier interrupt is lost.
    interrupted.set(false);
    String promptId = item.promptId();
    String client = item.clientId();
    ObjectNode prompt = item.prompt();
    List<ArrayNode> messages = new ArrayList<>();
    log.info("[simulator] running prompt {} ({} nodes)", promptId, prompt.size());

    message(messages, client, "execution_start", withPrompt(promptId));

    Map<String, String> signatures = new HashMap<>();
    for (Iterator<String> it = prompt.fieldNames(); it.hasNext(); ) {
      signature(prompt, it.next(), signatures, new LinkedHashSet<>());
    }
    List<String> order = executionOrder(prompt, item.outputsToExecute());
    List<String> cachedIds = new ArrayList<>();
    for (Iterator<String> it = prompt.fieldNames(); it.hasNext(); ) {
      String id = it.next();
      if (cache.containsKey(signatures.get(id))) {
        cachedIds.add(id);
      }
    }
    ObjectNode cachedData = JSON.objectNode();
    ArrayNode cachedList = JSON.arrayNode();
    cachedIds.forEach(cachedList::add);
    cachedData.set("nodes", cachedList);
    cachedData.put("prompt_id", promptId);
    message(messages, client, "execution_cached", cachedData);

    ObjectNode outputs = JSON.objectNode();
    List<String> executed = new ArrayList<>();
    for (String id : order) {
      ObjectNode cachedUi = cache.get(signatures.get(id));
      if (cachedUi != null && cachedUi.size() > 0) {
        outputs.set(id, cachedUi.deepCopy());
        executed(client, promptId, id, cachedUi);
      }
    }
    boolean dropSocket = faults.takeSocketDrop();
    Map<String, ObjectNode> newCache = new HashMap<>();
    for (String id : cachedIds) {
      newCache.put(signatures.get(id), cache.get(signatures.get(id)));
    }

    for (String id : order) {
      if (cachedIds.contains(id)) {
        continue;
      }
      JsonNode node = prompt.get(id);
      String classType = node.get("class_type").asText();
      if (interrupted.get()) {
        finishInterrupted(item, messages, outputs, executed, id, classType, cachedIds);
        return;
      }
      currentNode = id;
      ObjectNode executing = JSON.objectNode();
      executing.put("node", id);
      executing.put("display_node", id);
      executing.put("prompt_id", promptId);
      events.send(client, "executing", executing);
      if (dropSocket) {
        dropSocket = false;
        events.drop(client);
      }
      int steps = samplerSteps(prompt, id);
      for (int step = 1; step <= Math.max(steps, 1); step++) {
        // A paused worker holds inside a node, so that "the node running now" is known.
        faults.awaitNotPaused();
        abandonIfCrashed(item, startedIn);
        sleepOneStep();
        abandonIfCrashed(item, startedIn);
        if (interrupted.get()) {
          finishInterrupted(item, messages, outputs, executed, id, classType, cachedIds);
          return;
        }
        if (steps > 0) {
          ObjectNode progress = JSON.objectNode();
          progress.put("value", step);
          progress.put("max", steps);
          progress.put("prompt_id", promptId);
          progress.put("node", id);
          events.send(client, "progress", progress);
          if (previews && (step % PREVIEW_EVERY_STEPS == 0 || step == steps)) {
            events.sendPreview(client, RenderedImages.png(promptId + "/" + id + "/" + step));
          }
        }
      }
      abandonIfCrashed(item, startedIn);
      Optional<Faults.NodeFailure> failure = faults.takeNodeFailure(id, classType);
      if (failure.isPresent()) {
        finishFailed(item, messages, outputs, executed, id, classType, cachedIds, failure.get());
        return;
      }
      ObjectNode ui = JSON.objectNode();
      if (isOutputNode(classType)) {
        ui = saveImages(prompt, id, classType);
        outputs.set(id, ui.deepCopy());
        executed(client, promptId, id, ui);
      }
      newCache.put(signatures.get(id), ui);
      executed.add(id);
    }
    currentNode = null;
    cache.clear();
    cache.putAll(newCache);
    message(messages, client, "execution_success", withPrompt(promptId));
    queue.finish(item, historyEntry(item, outputs, messages, true));
    executingDone(client, promptId);
    log.info("[simulator] prompt {} finished: {} nodes run", promptId, executed.size());
  }

  private void finishInterrupted(
      QueueItem item,
      List<ArrayNode> messages,
      ObjectNode outputs,
      List<String> executed,
      String nodeId,
      String classType,
      List<String> cachedIds) {
    ObjectNode data = withPrompt(item.promptId());
    data.put("node_id", nodeId);
    data.put("node_type", classType);
    ArrayNode done = data.putArray("executed");
    cachedIds.forEach(done::add);
    executed.forEach(done::add);
    message(messages, item.clientId(), "execution_interrupted", data);
    forgetCache();
    queue.finish(item, historyEntry(item, outputs, messages, false));
    executingDone(item.clientId(), item.promptId());
    log.info("[simulator] prompt {} interrupted at node {}", item.promptId(), nodeId);
  }

  private void finishFailed(
      QueueItem item,
      List<ArrayNode> messages,
      ObjectNode outputs,
      List<String> executed,
      String nodeId,
      String classType,
      List<String> cachedIds,
      Faults.NodeFailure failure) {
    ObjectNode data = withPrompt(item.promptId());
    data.put("node_id", nodeId);
    data.put("node_type", classType);
    ArrayNode done = data.putArray("executed");
    cachedIds.forEach(done::add);
    executed.forEach(done::add);
    data.put("exception_message", failure.message());
    data.put("exception_type", failure.exceptionType());
    ArrayNode traceback = data.putArray("traceback");
    traceback.add("  File \"ComfyUI/execution.py\", line 496, in execute\n");
    traceback.add("  File \"ComfyUI/nodes.py\", in " + classType + "\n");
    ObjectNode inputs = data.putObject("current_inputs");
    JsonNode nodeInputs = item.prompt().get(nodeId).path("inputs");
    for (Map.Entry<String, JsonNode> input : nodeInputs.properties()) {
      JsonNode value = input.getValue();
      ArrayNode formatted = inputs.putArray(input.getKey());
      if (value.isArray()) {
        formatted.add("<simulated output of node " + value.path(0).asText() + ">");
      } else {
        formatted.add(value);
      }
    }
    ArrayNode currentOutputs = data.putArray("current_outputs");
    cachedIds.forEach(currentOutputs::add);
    message(messages, item.clientId(), "execution_error", data);
    forgetCache();
    queue.finish(item, historyEntry(item, outputs, messages, false));
    executingDone(item.clientId(), item.promptId());
    log.info(
        "[simulator] prompt {} failed at node {} ({}): {}",
        item.promptId(),
        nodeId,
        classType,
        failure.message());
  }

  private void forgetCache() {
    currentNode = null;
    cache.clear();
  }

  private void executingDone(String client, String promptId) {
    ObjectNode done = JSON.objectNode();
    done.putNull("node");
    done.put("prompt_id", promptId);
    events.send(client, "executing", done);
  }

  private void executed(String client, String promptId, String nodeId, ObjectNode ui) {
    ObjectNode data = JSON.objectNode();
    data.put("node", nodeId);
    data.put("display_node", nodeId);
    data.set("output", ui.deepCopy());
    data.put("prompt_id", promptId);
    events.send(client, "executed", data);
  }

  /** Adds a message to the run's {@code status.messages} and sends it to the client. */
  private void message(List<ArrayNode> messages, String client, String type, ObjectNode data) {
    data.put("timestamp", System.currentTimeMillis());
    ArrayNode entry = JSON.arrayNode();
    entry.add(type);
    entry.add(data);
    messages.add(entry);
    if (client != null) {
      events.send(client, type, data.deepCopy());
    }
  }

  private ObjectNode historyEntry(
      QueueItem item, ObjectNode outputs, List<ArrayNode> messages, boolean success) {
    ObjectNode entry = JSON.objectNode();
    entry.set("prompt", item.toJson());
    entry.set("outputs", outputs);
    ObjectNode status = entry.putObject("status");
    status.put("status_str", success ? "success" : "error");
    status.put("completed", success);
    ArrayNode list = status.putArray("messages");
    messages.forEach(list::add);
    ObjectNode meta = entry.putObject("meta");
    for (Iterator<String> it = outputs.fieldNames(); it.hasNext(); ) {
      String id = it.next();
      ObjectNode m = meta.putObject(id);
      m.put("node_id", id);
      m.put("display_node", id);
      m.putNull("parent_node");
      m.put("real_node_id", id);
    }
    return entry;
  }

  private static ObjectNode withPrompt(String promptId) {
    ObjectNode data = JSON.objectNode();
    data.put("prompt_id", promptId);
    return data;
  }

  private void sleepOneStep() throws InterruptedException {
    long millis = stepDelay.toMillis();
    if (millis > 0) {
      Thread.sleep(millis);
    }
  }

  private boolean isOutputNode(String classType) {
    return nodeTypes.find(classType).map(d -> d.path("output_node").asBoolean(false)).orElse(false);
  }

  /** Nodes the outputs need, dependencies first, each once. */
  private static List<String> executionOrder(ObjectNode prompt, List<String> outputs) {
    Set<String> order = new LinkedHashSet<>();
    for (String output : outputs) {
      visit(prompt, output, order, new LinkedHashSet<>());
    }
    return List.copyOf(order);
  }

  private static void visit(ObjectNode prompt, String id, Set<String> order, Set<String> path) {
    if (order.contains(id) || !path.add(id) || !prompt.has(id)) {
      return;
    }
    for (JsonNode value : prompt.get(id).path("inputs")) {
      if (value.isArray() && value.size() == 2) {
        visit(prompt, value.get(0).asText(), order, path);
      }
    }
    order.add(id);
  }

  /** A text that is equal for two nodes exactly when ComfyUI's cache would treat them alike. */
  private static String signature(
      ObjectNode prompt, String id, Map<String, String> memo, Set<String> path) {
    String known = memo.get(id);
    if (known != null) {
      return known;
    }
    JsonNode node = prompt.get(id);
    if (node == null || !path.add(id)) {
      return "missing:" + id;
    }
    StringBuilder sig = new StringBuilder(node.path("class_type").asText()).append('(');
    List<String> names = new ArrayList<>();
    node.path("inputs").fieldNames().forEachRemaining(names::add);
    names.sort(null);
    for (String name : names) {
      JsonNode value = node.get("inputs").get(name);
      sig.append(name).append('=');
      if (value.isArray() && value.size() == 2) {
        sig.append('{')
            .append(signature(prompt, value.get(0).asText(), memo, path))
            .append("}#")
            .append(value.get(1).asText());
      } else {
        sig.append(value);
      }
      sig.append(';');
    }
    String result = sig.append(')').toString();
    memo.put(id, result);
    return result;
  }

  private static int samplerSteps(ObjectNode prompt, String id) {
    JsonNode node = prompt.get(id);
    String classType = node.path("class_type").asText();
    if (!SAMPLERS.contains(classType)) {
      return 0;
    }
    JsonNode inputs = node.path("inputs");
    int steps = literalInt(inputs.get("steps"), 20);
    if ("KSamplerAdvanced".equals(classType)) {
      int start = literalInt(inputs.get("start_at_step"), 0);
      int end = Math.min(literalInt(inputs.get("end_at_step"), steps), steps);
      steps = Math.max(end - start, 1);
    } else if ("SamplerCustomAdvanced".equals(classType)) {
      JsonNode sigmas = inputs.get("sigmas");
      JsonNode scheduler =
          sigmas != null && sigmas.isArray() ? prompt.get(sigmas.get(0).asText()) : null;
      steps = scheduler == null ? 20 : literalInt(scheduler.path("inputs").get("steps"), 20);
    }
    return Math.max(1, Math.min(steps, 10_000));
  }

  private static int literalInt(JsonNode value, int fallback) {
    return value != null && value.isNumber() ? value.intValue() : fallback;
  }

  private ObjectNode saveImages(ObjectNode prompt, String id, String classType) {
    int count = Math.min(batchSize(prompt, id, new LinkedHashSet<>()), MAX_IMAGES_PER_NODE);
    JsonNode inputs = prompt.get(id).path("inputs");
    String type;
    String subfolder = "";
    String prefix;
    if ("SaveImage".equals(classType)) {
      type = "output";
      JsonNode given = inputs.get("filename_prefix");
      prefix = given != null && given.isTextual() ? given.asText() : "ComfyUI";
      int slash = prefix.lastIndexOf('/');
      if (slash >= 0) {
        subfolder = prefix.substring(0, slash);
        prefix = prefix.substring(slash + 1);
      }
    } else {
      type = "temp";
      prefix = "ComfyUI_temp_" + randomLetters(5);
    }
    ObjectNode ui = JSON.objectNode();
    ArrayNode list = ui.putArray("images");
    for (int i = 0; i < count; i++) {
      String filename = images.nextName(type, subfolder, prefix);
      images.save(type, subfolder, filename);
      ObjectNode image = list.addObject();
      image.put("filename", filename);
      image.put("subfolder", subfolder);
      image.put("type", type);
    }
    return ui;
  }

  /** How many images flow into a node: batch sizes of empty latents, followed downstream. */
  private int batchSize(ObjectNode prompt, String id, Set<String> path) {
    JsonNode node = prompt.get(id);
    if (node == null || !path.add(id)) {
      return 1;
    }
    String classType = node.path("class_type").asText();
    JsonNode inputs = node.path("inputs");
    switch (classType) {
      case "EmptyLatentImage", "EmptySD3LatentImage", "EmptyImage":
        return Math.max(1, literalInt(inputs.get("batch_size"), 1));
      case "RepeatLatentBatch":
        return Math.max(1, literalInt(inputs.get("amount"), 1))
            * upstreamBatch(prompt, inputs.get("samples"), path);
      case "ImageBatch":
        return upstreamBatch(prompt, inputs.get("image1"), path)
            + upstreamBatch(prompt, inputs.get("image2"), path);
      default:
        for (String name : List.of("images", "image", "pixels", "samples", "latent_image")) {
          JsonNode link = inputs.get(name);
          if (link != null && link.isArray()) {
            return upstreamBatch(prompt, link, path);
          }
        }
        return 1;
    }
  }

  private int upstreamBatch(ObjectNode prompt, JsonNode link, Set<String> path) {
    if (link == null || !link.isArray() || link.size() != 2) {
      return 1;
    }
    return batchSize(prompt, link.get(0).asText(), new LinkedHashSet<>(path));
  }

  private static String randomLetters(int n) {
    StringBuilder out = new StringBuilder();
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < n; i++) {
      out.append((char) ('a' + random.nextInt(26)));
    }
    return out.toString().toLowerCase(Locale.ROOT);
  }

  /** Forgets every cached node output, as {@code POST /free} with {@code free_memory} does. */
  void clearCache() {
    cache.clear();
  }
}
