package dev.comfyagent.runtime.execute;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.comfy.ComfyUiClient;
import dev.comfyagent.runtime.comfy.ComfyUiEventListener;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * What is known about one prompt sent to ComfyUI, built from its {@code /ws} messages or its {@code
 * /history} entry, whichever arrives: state, the node running and its sampler step, the nodes done,
 * the output files, and the error when it failed.
 *
 * <p>Thread-safe: updates arrive on the WebSocket thread or the polling thread, reads come from
 * tool threads; every method synchronizes on the instance. Listeners are called outside the lock.
 */
final class Execution implements ComfyUiEventListener {

  /** Where an execution stands. */
  enum State {
    SUBMITTED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    INTERRUPTED,
    TIMED_OUT,
    /** ComfyUI came back without the prompt (it restarted): the render will never end. */
    LOST;

    boolean terminal() {
      return this != SUBMITTED && this != RUNNING;
    }
  }

  /** A progress report for a waiting tool call. */
  record Progress(double progress, double total, String message) {}

  /** Why an execution failed, from ComfyUI's {@code execution_error}. */
  record Failure(
      String nodeId,
      String nodeType,
      String exceptionType,
      String exceptionMessage,
      String where) {}

  private final String clientId;
  private final String connectionId;
  private final ObjectNode prompt;
  private final ComfyUiClient client;
  private final long submittedNanos = System.nanoTime();
  private final CompletableFuture<State> done = new CompletableFuture<>();
  private final List<Consumer<Progress>> listeners = new CopyOnWriteArrayList<>();

  private String promptId;
  private State state = State.SUBMITTED;
  private String currentNode;
  private int stepValue;
  private int stepMax;
  private final Set<String> nodesDone = new LinkedHashSet<>();
  private final Set<String> cachedNodes = new LinkedHashSet<>();
  private final Map<String, List<OutputFile>> outputs = new LinkedHashMap<>();
  private Failure failure;
  private String interruptedAt;
  private Long startedNanos;
  private Long finishedNanos;
  private Long comfyStartMillis;
  private Long comfyEndMillis;
  private boolean socketLost;
  private boolean socketOpen;
  // The ending was read from /history: the socket, even if never reported closed, did not bring it.
  private boolean endedByPolling;
  private long lastMessageNanos = System.nanoTime();
  private double lastReported = -1;
  private String note;
  // Neither the WebSocket nor HTTP answers: why, and since when (System.nanoTime()).
  private String silence;
  private long silentSinceNanos;
  private String outage;

  Execution(String clientId, String connectionId, ObjectNode prompt, ComfyUiClient client) {
    this.clientId = clientId;
    this.connectionId = connectionId;
    this.prompt = prompt;
    this.client = client;
  }

  String clientId() {
    return clientId;
  }

  String connectionId() {
    return connectionId;
  }

  synchronized Optional<String> promptId() {
    return Optional.ofNullable(promptId);
  }

  /** The prompt is about to be posted: listeners hear it first, at progress 0. */
  void submitting() {
    Progress first;
    synchronized (this) {
      first = report("submitting to ComfyUI");
    }
    if (first != null) {
      fire(first);
    }
  }

  synchronized void accepted(String id) {
    this.promptId = id;
  }

  synchronized State state() {
    return state;
  }

  CompletableFuture<State> done() {
    return done;
  }

  void addListener(Consumer<Progress> listener) {
    listeners.add(listener);
  }

  void removeListener(Consumer<Progress> listener) {
    listeners.remove(listener);
  }

  synchronized void socketOpened() {
    socketOpen = true;
  }

  /** Whether progress can come over the socket now (else it must be polled). */
  synchronized boolean followedBySocket() {
    return socketOpen && !socketLost;
  }

  synchronized long nanosSinceLastMessage() {
    return System.nanoTime() - lastMessageNanos;
  }

  // ---- /ws --------------------------------------------------------------------------------------

  @Override
  public void onMessage(String type, JsonNode data) {
    Progress report;
    synchronized (this) {
      lastMessageNanos = System.nanoTime();
      String about = data.path("prompt_id").asText(null);
      if (state.terminal() || (about != null && promptId != null && !about.equals(promptId))) {
        return;
      }
      report = apply(type, data);
    }
    if (report != null) {
      fire(report);
    }
    finishIfDone();
  }

  @Override
  public void onClosed(Throwable error) {
    synchronized (this) {
      if (!state.terminal()) {
        socketLost = true;
      }
    }
  }

  synchronized boolean socketLost() {
    return socketLost;
  }

  private Progress apply(String type, JsonNode data) {
    switch (type) {
      case "execution_start" -> {
        running();
        comfyStartMillis = timestamp(data);
        return report("started");
      }
      case "execution_cached" -> {
        running();
        data.path("nodes").forEach(n -> cachedNodes.add(n.asText()));
        return null;
      }
      case "executing" -> {
        JsonNode node = data.get("node");
        if (node == null || node.isNull()) {
          // The end of a run; ComfyUI before execution_success existed said only this.
          if (currentNode != null) {
            nodesDone.add(currentNode);
          }
          currentNode = null;
          if (!state.terminal() && state == State.RUNNING) {
            finish(State.SUCCEEDED);
          }
          return null;
        }
        running();
        if (currentNode != null) {
          nodesDone.add(currentNode);
        }
        currentNode = node.asText();
        stepValue = 0;
        stepMax = 0;
        return report("running " + classOf(currentNode) + " (node " + currentNode + ")");
      }
      case "progress" -> {
        running();
        String node = data.path("node").asText(currentNode);
        if (node != null) {
          currentNode = node;
        }
        stepValue = data.path("value").asInt();
        stepMax = data.path("max").asInt();
        return report(classOf(currentNode) + " " + stepValue + "/" + stepMax);
      }
      case "executed" -> {
        String node = data.path("display_node").asText(data.path("node").asText());
        addOutputs(node, data.path("output"));
        return null;
      }
      case "execution_success" -> {
        comfyEndMillis = timestamp(data);
        if (currentNode != null) {
          nodesDone.add(currentNode);
          currentNode = null;
        }
        finish(State.SUCCEEDED);
        return null;
      }
      case "execution_error" -> {
        comfyEndMillis = timestamp(data);
        failure = failureOf(data);
        finish(State.FAILED);
        return null;
      }
      case "execution_interrupted" -> {
        comfyEndMillis = timestamp(data);
        interruptedAt = data.path("node_id").asText(null);
        finish(State.INTERRUPTED);
        return null;
      }
      default -> {
        return null;
      }
    }
  }

  // ---- /history ---------------------------------------------------------------------------------

  /** Applies a finished prompt's history entry; true when it settled the execution. */
  boolean applyHistory(JsonNode entry) {
    synchronized (this) {
      if (state.terminal()) {
        return true;
      }
      for (Map.Entry<String, JsonNode> node : entry.path("outputs").properties()) {
        if (!outputs.containsKey(node.getKey())) {
          addOutputs(node.getKey(), node.getValue());
        }
      }
      JsonNode status = entry.path("status");
      State result = State.SUCCEEDED;
      for (JsonNode message : status.path("messages")) {
        String type = message.path(0).asText();
        JsonNode data = message.path(1);
        switch (type) {
          case "execution_start" -> {
            Long ts = timestamp(data);
            if (ts != null && comfyStartMillis == null) {
              comfyStartMillis = ts;
            }
          }
          case "execution_cached" -> data.path("nodes").forEach(n -> cachedNodes.add(n.asText()));
          case "execution_success" -> comfyEndMillis = timestamp(data);
          case "execution_error" -> {
            comfyEndMillis = timestamp(data);
            failure = failureOf(data);
            result = State.FAILED;
          }
          case "execution_interrupted" -> {
            comfyEndMillis = timestamp(data);
            interruptedAt = data.path("node_id").asText(null);
            result = State.INTERRUPTED;
          }
          default -> {}
        }
      }
      if (result == State.SUCCEEDED
          && status.has("status_str")
          && !"success".equals(status.path("status_str").asText())) {
        result = State.FAILED;
        failure =
            new Failure(
                null, null, null, "ComfyUI reported status " + status.get("status_str"), null);
      }
      if (startedNanos == null) {
        startedNanos = submittedNanos;
      }
      currentNode = null;
      endedByPolling = true;
      finish(result);
    }
    finishIfDone();
    return true;
  }

  // ---- endings decided here ---------------------------------------------------------------------

  /** Marks the execution as no longer followed (overall timeout). */
  void timedOut(String why) {
    synchronized (this) {
      if (state.terminal()) {
        return;
      }
      note = why;
      finish(State.TIMED_OUT);
    }
    finishIfDone();
  }

  /**
   * ComfyUI stopped answering: the socket is gone and an HTTP call failed for lack of an answer.
   * The execution is not over (ComfyUI may come back with it), but a waiting caller should be told
   * now rather than at the overall timeout.
   */
  synchronized void silent(String why) {
    if (state.terminal()) {
      return;
    }
    if (silence == null) {
      silentSinceNanos = System.nanoTime();
    }
    silence = why;
  }

  /** ComfyUI answers again and still has the prompt ({@code where}: "running", "queued"). */
  synchronized void answersAgain(String where) {
    if (silence != null) {
      long seconds = Math.max(0, (System.nanoTime() - silentSinceNanos) / 1_000_000_000L);
      outage =
          "ComfyUI did not answer for "
              + seconds
              + " s during the render, then answered again with the prompt "
              + where;
    }
    silence = null;
  }

  /** Why ComfyUI does not answer now, if it does not. */
  synchronized Optional<String> silence() {
    return Optional.ofNullable(silence);
  }

  /**
   * ComfyUI answers again but knows nothing of the prompt (not queued, not running, not in its
   * history): it was restarted, and the render is lost.
   */
  void lost(String why) {
    synchronized (this) {
      if (state.terminal()) {
        return;
      }
      silence = null;
      note = why;
      finish(State.LOST);
    }
    finishIfDone();
  }

  /** Marks a prompt removed from the queue before it started. */
  void removedFromQueue() {
    synchronized (this) {
      if (state.terminal()) {
        return;
      }
      note = "removed from ComfyUI's queue before it started";
      finish(State.INTERRUPTED);
    }
    finishIfDone();
  }

  // ---- reading ----------------------------------------------------------------------------------

  /** An immutable picture of the execution now. */
  synchronized Snapshot snapshot() {
    List<OutputFile> files = new ArrayList<>();
    outputs.values().forEach(files::addAll);
    return new Snapshot(
        promptId,
        state,
        currentNode,
        currentNode == null ? null : classOf(currentNode),
        stepValue,
        stepMax,
        nodesDone.size(),
        nodesToRun(),
        List.copyOf(cachedNodes),
        List.copyOf(files),
        failure,
        interruptedAt,
        interruptedAt == null ? null : classOf(interruptedAt),
        elapsedSeconds(),
        followedBySocket() && !endedByPolling ? "WebSocket" : "polling /history",
        note,
        silence,
        silence == null ? 0 : (System.nanoTime() - silentSinceNanos) / 1e9,
        outage);
  }

  /**
   * What a tool shows about an execution.
   *
   * @param seconds render time: ComfyUI's own timestamps when it sent them, else the time this
   *     runtime saw pass since the run started (or was submitted)
   * @param note how it ended when that was not ComfyUI's message, or what happened on the way
   * @param silence why ComfyUI does not answer now (neither WebSocket nor HTTP), or {@code null}
   * @param silentSeconds for how long it has not answered
   * @param outage an earlier time ComfyUI did not answer and then did, or {@code null}
   */
  record Snapshot(
      String promptId,
      State state,
      String currentNode,
      String currentClass,
      int stepValue,
      int stepMax,
      int nodesDone,
      int nodesToRun,
      List<String> cachedNodes,
      List<OutputFile> outputs,
      Failure failure,
      String interruptedAt,
      String interruptedClass,
      double seconds,
      String followedBy,
      String note,
      String silence,
      double silentSeconds,
      String outage) {}

  private int nodesToRun() {
    return Math.max(prompt.size() - cachedNodes.size(), nodesDone.size());
  }

  private double elapsedSeconds() {
    if (comfyStartMillis != null && comfyEndMillis != null && comfyEndMillis >= comfyStartMillis) {
      return (comfyEndMillis - comfyStartMillis) / 1000.0;
    }
    long from = startedNanos == null ? submittedNanos : startedNanos;
    long to = finishedNanos == null ? System.nanoTime() : finishedNanos;
    return Math.max(0, to - from) / 1e9;
  }

  String classOf(String nodeId) {
    JsonNode node = prompt.get(nodeId);
    return node == null ? "node " + nodeId : node.path("class_type").asText("node " + nodeId);
  }

  private void running() {
    if (state == State.SUBMITTED) {
      state = State.RUNNING;
      startedNanos = System.nanoTime();
    }
  }

  private void finish(State result) {
    if (state.terminal()) {
      return;
    }
    state = result;
    finishedNanos = System.nanoTime();
    if (startedNanos == null) {
      startedNanos = submittedNanos;
    }
  }

  private void finishIfDone() {
    State now = state();
    if (now.terminal() && !done.isDone()) {
      done.complete(now);
    }
  }

  private Progress report(String message) {
    int total = nodesToRun();
    // A node counts as done only when the next one starts, so its last step stays below 1.
    double progress = nodesDone.size() + (stepMax > 0 ? stepValue / (stepMax + 1.0) : 0.0);
    progress = Math.min(progress, total);
    if (progress <= lastReported) {
      return null;
    }
    lastReported = progress;
    return new Progress(progress, total, message);
  }

  private void fire(Progress progress) {
    for (Consumer<Progress> listener : listeners) {
      listener.accept(progress);
    }
  }

  private void addOutputs(String nodeId, JsonNode ui) {
    List<OutputFile> files = new ArrayList<>();
    for (Map.Entry<String, JsonNode> list : ui.properties()) {
      if (!list.getValue().isArray()) {
        continue;
      }
      for (JsonNode item : list.getValue()) {
        if (item.path("filename").isTextual()) {
          String filename = item.get("filename").asText();
          String subfolder = item.path("subfolder").asText("");
          String type = item.path("type").asText("output");
          files.add(
              new OutputFile(
                  nodeId,
                  list.getKey(),
                  filename,
                  subfolder,
                  type,
                  client.viewUrl(filename, subfolder, type)));
        }
      }
    }
    if (!files.isEmpty()) {
      outputs.put(nodeId, files);
    }
  }

  private static Failure failureOf(JsonNode data) {
    JsonNode traceback = data.path("traceback");
    String where =
        traceback.isArray() && traceback.size() > 0
            ? traceback.get(traceback.size() - 1).asText().trim()
            : null;
    return new Failure(
        data.path("node_id").asText(null),
        data.path("node_type").asText(null),
        data.path("exception_type").asText(null),
        data.path("exception_message").asText("").trim(),
        where);
  }

  private static Long timestamp(JsonNode data) {
    JsonNode ts = data.get("timestamp");
    return ts != null && ts.isNumber() ? ts.asLong() : null;
  }
}
