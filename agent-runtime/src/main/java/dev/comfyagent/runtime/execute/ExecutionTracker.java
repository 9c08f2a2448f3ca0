package dev.comfyagent.runtime.execute;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.comfy.ComfyUiClient;
import dev.comfyagent.runtime.comfy.ComfyUiException;
import dev.comfyagent.runtime.comfy.ComfyUiUnavailableException;
import dev.comfyagent.runtime.comfy.EventSubscription;
import dev.comfyagent.runtime.comfy.QueueView;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends prompts to ComfyUI and follows each one until it ends, whether or not a tool call is still
 * waiting for it: over the prompt's own {@code /ws?clientId=} socket, opened (and greeted by
 * ComfyUI, see {@link ComfyUiClient#subscribe}) before the prompt is queued so no message is
 * missed, and by polling {@code /history/{id}} when the socket cannot be opened, drops mid-run, or
 * goes quiet. Keeps the recent executions (bounded) for {@code get_execution_status}, and the last
 * one of each MCP connection.
 *
 * <p>Thread-safe. Following runs on a small pool of daemon threads.
 */
final class ExecutionTracker {

  private static final Logger log = LoggerFactory.getLogger(ExecutionTracker.class);

  /** A socket silent this many poll intervals is double-checked against the history. */
  private static final int QUIET_POLLS = 10;

  private final ComfyUiClient client;
  private final ExecutionSettings settings;
  private final ScheduledExecutorService scheduler;
  private final Map<String, Execution> byPromptId = new LinkedHashMap<>();
  private final Map<String, Execution> lastByConnection = new ConcurrentHashMap<>();

  ExecutionTracker(ComfyUiClient client, ExecutionSettings settings) {
    this.client = client;
    this.settings = settings;
    AtomicInteger threads = new AtomicInteger();
    this.scheduler =
        Executors.newScheduledThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "comfyui-execution-follower-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Queues {@code prompt} and starts following it.
   *
   * @throws dev.comfyagent.runtime.comfy.PromptRejectedException when ComfyUI refuses it
   * @throws ComfyUiException when ComfyUI cannot be reached
   */
  Execution submit(ObjectNode prompt, String connectionId) {
    return submit(prompt, connectionId, null);
  }

  /**
   * Queues {@code prompt} and follows it; {@code listener}, when given, hears every progress report
   * from the first one on (it is registered before the prompt is queued, so a fast ComfyUI cannot
   * report before anyone listens).
   */
  Execution submit(ObjectNode prompt, String connectionId, Consumer<Execution.Progress> listener) {
    String clientId = "comfy-agent-" + UUID.randomUUID();
    Execution execution = new Execution(clientId, connectionId, prompt, client);
    if (listener != null) {
      execution.addListener(listener);
    }
    EventSubscription socket = null;
    try {
      socket = client.subscribe(clientId, execution);
      execution.socketOpened();
    } catch (ComfyUiException e) {
      log.info("no /ws for this render ({}); following it by polling /history", e.getMessage());
    }
    execution.submitting();
    String promptId;
    try {
      promptId = client.queuePrompt(prompt, clientId).promptId();
    } catch (RuntimeException e) {
      if (socket != null) {
        socket.close();
      }
      throw e;
    }
    execution.accepted(promptId);
    remember(promptId, execution);
    lastByConnection.put(connectionId, execution);
    log.info(
        "queued prompt {} ({} nodes) for connection {}", promptId, prompt.size(), connectionId);
    follow(execution, promptId, socket);
    return execution;
  }

  private void follow(Execution execution, String promptId, EventSubscription socket) {
    long started = System.nanoTime();
    long timeoutNanos = settings.overallTimeout().toNanos();
    long quietNanos = settings.pollInterval().toNanos() * QUIET_POLLS;
    ScheduledFuture<?>[] task = new ScheduledFuture<?>[1];
    Runnable check =
        () -> {
          if (execution.state().terminal()) {
            return;
          }
          if (System.nanoTime() - started > timeoutNanos) {
            execution.timedOut(
                "stopped following after " + settings.overallTimeout().toMinutes() + " min");
            return;
          }
          boolean needPoll =
              !execution.followedBySocket() || execution.nanosSinceLastMessage() > quietNanos;
          if (!needPoll) {
            return;
          }
          if (execution.socketLost()) {
            log.debug("following prompt {} by polling /history (WebSocket lost)", promptId);
          }
          poll(execution, promptId);
        };
    task[0] =
        scheduler.scheduleWithFixedDelay(
            () -> {
              try {
                check.run();
              } catch (RuntimeException e) {
                log.warn("following prompt {} failed", promptId, e);
              }
            },
            settings.pollInterval().toMillis(),
            settings.pollInterval().toMillis(),
            TimeUnit.MILLISECONDS);
    execution
        .done()
        .whenComplete(
            (state, error) -> {
              task[0].cancel(false);
              if (socket != null) {
                socket.close();
              }
              log.info("prompt {} ended: {}", promptId, state);
            });
  }

  /**
   * Asks ComfyUI's history for the prompt (only done when the socket is gone or quiet). When
   * ComfyUI does not answer, the execution is marked silent at once, so that a waiting caller hears
   * it within a poll interval; when it answers again, its queue tells whether it still has the
   * prompt or was restarted without it.
   */
  private void poll(Execution execution, String promptId) {
    try {
      Optional<JsonNode> finished = client.history(promptId);
      if (finished.isPresent()) {
        execution.applyHistory(finished.get());
        return;
      }
      if (execution.silence().isPresent()) {
        settleAfterSilence(execution, promptId);
      }
    } catch (ComfyUiUnavailableException e) {
      // Polling runs only when the socket is gone or has gone quiet: no answer here means
      // neither channel answers.
      if (execution.silence().isEmpty()) {
        log.warn(
            "ComfyUI at {} stopped answering during the render of prompt {}: {}",
            client.endpoint(),
            promptId,
            e.getMessage());
      }
      execution.silent(e.getMessage());
    } catch (RuntimeException e) {
      log.debug("polling /history/{} failed: {}", promptId, e.getMessage());
    }
  }

  private void settleAfterSilence(Execution execution, String promptId) {
    QueueView queue = new QueueView(client.queue());
    switch (queue.placeOf(promptId)) {
      case RUNNING -> execution.answersAgain("still running");
      case PENDING -> execution.answersAgain("still queued");
      default -> {
        // ComfyUI moves a prompt from its queue to its history in one step: ask the history
        // once more before calling the prompt lost.
        Optional<JsonNode> finished = client.history(promptId);
        if (finished.isPresent()) {
          execution.applyHistory(finished.get());
        } else {
          log.warn(
              "ComfyUI at {} answers again without prompt {}: it was restarted, the render is"
                  + " lost",
              client.endpoint(),
              promptId);
          execution.lost(
              "ComfyUI at "
                  + client.endpoint()
                  + " answers again but no longer knows the prompt (not queued, not running, not"
                  + " in its history): ComfyUI was restarted and the render was lost");
        }
      }
    }
  }

  /** An execution followed by this runtime, by prompt id. */
  synchronized Optional<Execution> find(String promptId) {
    return Optional.ofNullable(byPromptId.get(promptId));
  }

  /** The last execution submitted from this MCP connection. */
  Optional<Execution> lastOf(String connectionId) {
    return Optional.ofNullable(lastByConnection.get(connectionId));
  }

  /** Whether one of ours has this ComfyUI client id (to mark queue entries as ours). */
  synchronized Optional<Execution> byClientId(String clientId) {
    for (Execution e : byPromptId.values()) {
      if (e.clientId().equals(clientId)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /** A one-off view of a prompt this runtime did not follow, from its history entry. */
  Execution fromHistory(String promptId, JsonNode entry, ObjectNode prompt) {
    Execution execution = new Execution("", "", prompt, client);
    execution.accepted(promptId);
    execution.applyHistory(entry);
    return execution;
  }

  private synchronized void remember(String promptId, Execution execution) {
    byPromptId.put(promptId, execution);
    if (byPromptId.size() <= settings.retainedExecutions()) {
      return;
    }
    for (Iterator<Execution> it = byPromptId.values().iterator();
        it.hasNext() && byPromptId.size() > settings.retainedExecutions(); ) {
      Execution old = it.next();
      if (old.state().terminal()) {
        it.remove();
      }
    }
  }

  synchronized int size() {
    return byPromptId.size();
  }
}
