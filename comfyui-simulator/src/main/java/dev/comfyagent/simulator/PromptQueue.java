package dev.comfyagent.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

/**
 * ComfyUI's prompt queue and history: pending prompts ordered by number, the one running, and the
 * finished ones ({@code GET /history}), bounded like ComfyUI's ({@value #MAX_HISTORY} entries).
 *
 * <p>Thread-safe: every method synchronizes on the instance; {@link #take} blocks the worker until
 * a prompt is queued.
 */
final class PromptQueue {

  static final int MAX_HISTORY = 10_000;

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final PriorityQueue<QueueItem> pending =
      new PriorityQueue<>(Comparator.comparingLong(QueueItem::number));
  private QueueItem running;
  private final Map<String, ObjectNode> history = new LinkedHashMap<>();
  private long nextNumber;

  synchronized long nextNumber() {
    return nextNumber++;
  }

  synchronized void put(QueueItem item) {
    pending.add(item);
    notifyAll();
  }

  /** The next prompt to run, waiting up to {@code timeoutMs}; {@code null} when none came. */
  synchronized QueueItem take(long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (pending.isEmpty()) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        return null;
      }
      wait(left);
    }
    running = pending.poll();
    return running;
  }

  /** Moves the running prompt to the history. */
  synchronized void finish(QueueItem item, ObjectNode entry) {
    notifyAll();
    if (history.size() >= MAX_HISTORY) {
      Iterator<String> eldest = history.keySet().iterator();
      eldest.next();
      eldest.remove();
    }
    history.put(item.promptId(), entry);
    if (running == item) {
      running = null;
    }
  }

  /** Drops the running prompt without a history entry (a crash). */
  synchronized void abandon(QueueItem item) {
    if (running == item) {
      running = null;
    }
    notifyAll();
  }

  /** Waits until no prompt is running (up to 10 s). */
  synchronized void awaitNothingRunning() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (running != null) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        throw new IllegalStateException("the worker did not let go of " + running.promptId());
      }
      wait(left);
    }
  }

  /** Forgets everything, as a ComfyUI started again: no queue, no history. */
  synchronized void forgetAll() {
    pending.clear();
    history.clear();
  }

  synchronized Optional<QueueItem> running() {
    return Optional.ofNullable(running);
  }

  synchronized int remaining() {
    return pending.size() + (running == null ? 0 : 1);
  }

  /** {@code GET /queue}: {@code {queue_running: [item], queue_pending: [items]}}. */
  synchronized ObjectNode queueJson() {
    ObjectNode queue = JSON.objectNode();
    ArrayNode runningItems = queue.putArray("queue_running");
    if (running != null) {
      runningItems.add(running.toJson());
    }
    ArrayNode pendingItems = queue.putArray("queue_pending");
    List<QueueItem> ordered = new ArrayList<>(pending);
    ordered.sort(Comparator.comparingLong(QueueItem::number));
    ordered.forEach(item -> pendingItems.add(item.toJson()));
    return queue;
  }

  /** Removes a pending prompt; true when it was pending. */
  synchronized boolean delete(String promptId) {
    return pending.removeIf(item -> item.promptId().equals(promptId));
  }

  synchronized void clearPending() {
    pending.clear();
  }

  /** {@code GET /history/{id}}: {@code {id: entry}} or {@code {}}. */
  synchronized ObjectNode historyJson(String promptId) {
    ObjectNode out = JSON.objectNode();
    ObjectNode entry = history.get(promptId);
    if (entry != null) {
      out.set(promptId, entry.deepCopy());
    }
    return out;
  }

  /** {@code GET /history?max_items=}: the most recent {@code maxItems}, oldest first. */
  synchronized ObjectNode historyJson(Integer maxItems) {
    ObjectNode out = JSON.objectNode();
    int skip = maxItems == null ? 0 : Math.max(0, history.size() - maxItems);
    for (Map.Entry<String, ObjectNode> e : history.entrySet()) {
      if (skip-- > 0) {
        continue;
      }
      out.set(e.getKey(), e.getValue().deepCopy());
    }
    return out;
  }

  synchronized void deleteHistory(String promptId) {
    history.remove(promptId);
  }

  synchronized void clearHistory() {
    history.clear();
  }

  synchronized int historySize() {
    return history.size();
  }
}
