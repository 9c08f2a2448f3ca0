package dev.comfyagent.runtime.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The bounded undo history of one workflow: each applied patch pushes an entry; when the bound is
 * reached the oldest entry is dropped.
 *
 * <p>{@link #depth()} is part of the published contract with the instrument-javaagent's memory
 * probe profile ({@code dev.comfyagent.runtime.workflow.UndoHistory#depth}); keep its name and
 * meaning.
 *
 * <p>An entry keeps the patch that was applied and the patch that reverts it, not copies of the
 * workflow, so fifty entries cost fifty small patches. Entries are managed by {@link
 * WorkflowState}; this class only keeps them in order.
 *
 * <p>The entries are one immutable list, replaced as a whole: {@link WorkflowState} computes the
 * list a change leads to ({@link #withPushed}) before anything is changed and installs it with the
 * new workflow in one step ({@link #set}), so a change that fails half-way leaves the history as it
 * was.
 *
 * <p>Thread-safe: reads see one list or the next, never a half-changed one; changes synchronize on
 * the instance.
 */
public final class UndoHistory {

  /** The default bound on entries. */
  public static final int DEFAULT_LIMIT = 50;

  private final int limit;
  private volatile List<Entry> entries = List.of();

  public UndoHistory(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("undo limit must be at least 1, got " + limit);
    }
    this.limit = limit;
  }

  /** The most entries kept. */
  public int limit() {
    return limit;
  }

  /** How many steps can be undone now. */
  public int depth() {
    return entries.size();
  }

  /** Adds the newest entry, dropping the oldest when the bound is reached. */
  public synchronized void push(Entry entry) {
    entries = withPushed(entry);
  }

  /** The newest entry, without removing it. */
  public Optional<Entry> peek() {
    List<Entry> now = entries;
    return now.isEmpty() ? Optional.empty() : Optional.of(now.get(now.size() - 1));
  }

  /** Removes and returns the newest entry. */
  public synchronized Optional<Entry> pop() {
    List<Entry> now = entries;
    if (now.isEmpty()) {
      return Optional.empty();
    }
    entries = now.subList(0, now.size() - 1);
    return Optional.of(now.get(now.size() - 1));
  }

  /** The entries, oldest first (an immutable list). */
  public List<Entry> entries() {
    return entries;
  }

  /** Forgets every entry. */
  public synchronized void clear() {
    entries = List.of();
  }

  /**
   * The entries as they would be after pushing {@code entry} (the oldest dropped at the bound);
   * this history is not changed.
   */
  List<Entry> withPushed(Entry entry) {
    List<Entry> now = entries;
    int skip = now.size() >= limit ? now.size() - limit + 1 : 0;
    List<Entry> next = new ArrayList<>(now.size() - skip + 1);
    next.addAll(now.subList(skip, now.size()));
    next.add(entry);
    return List.copyOf(next);
  }

  /** Installs entries computed with {@link #withPushed} or a sub-list of {@link #entries()}. */
  synchronized void set(List<Entry> oldestFirst) {
    entries = oldestFirst;
  }

  /** Replaces the entries (oldest first), keeping the newest {@link #limit()}. */
  synchronized void replaceAll(List<Entry> oldestFirst) {
    int skip = Math.max(0, oldestFirst.size() - limit);
    entries = List.copyOf(oldestFirst.subList(skip, oldestFirst.size()));
  }

  /**
   * One undoable change.
   *
   * <p>JSON form (in session snapshots): {@code {"label": "set_input 3.seed", "at":
   * "2026-11-25T10:15:30Z", "patch": [RFC 6902 ops applied], "inverse": [RFC 6902 ops that revert
   * it]}}.
   *
   * @param label what the change was, for people ({@code apply_workflow_patch}, {@code set_input
   *     3.seed}, {@code reset_workflow})
   * @param at when it was applied
   * @param patch what was applied
   * @param inverse what reverts it, applied to the workflow right after the change
   */
  public record Entry(String label, Instant at, JsonPatch patch, JsonPatch inverse) {

    /** The entry as JSON (a copy). */
    public ObjectNode toJson() {
      ObjectNode json = JsonNodeFactory.instance.objectNode();
      json.put("label", label);
      json.put("at", at.toString());
      json.set("patch", patch.toJson());
      json.set("inverse", inverse.toJson());
      return json;
    }

    /**
     * An entry from its JSON form.
     *
     * @throws WorkflowFormatException when a member is missing or malformed
     */
    public static Entry fromJson(JsonNode json) {
      if (!json.isObject()) {
        throw new WorkflowFormatException("an undo entry must be an object, got " + json);
      }
      Instant at;
      try {
        at = Instant.parse(json.path("at").asText());
      } catch (DateTimeParseException e) {
        throw new WorkflowFormatException(
            "undo entry 'at' must be an ISO-8601 instant, got " + json.get("at"));
      }
      try {
        return new Entry(
            json.path("label").asText("patch"),
            at,
            JsonPatch.parse(json.get("patch")),
            JsonPatch.parse(json.get("inverse")));
      } catch (PatchException e) {
        throw new WorkflowFormatException("undo entry: " + e.getMessage());
      }
    }
  }

  /** Entries from their JSON forms, oldest first. */
  static List<Entry> fromJson(List<? extends JsonNode> json) {
    List<Entry> list = new ArrayList<>(json.size());
    for (int i = 0; i < json.size(); i++) {
      try {
        list.add(Entry.fromJson(json.get(i)));
      } catch (WorkflowFormatException e) {
        throw new WorkflowFormatException("undo history entry " + i + ": " + e.getMessage());
      }
    }
    return list;
  }
}
