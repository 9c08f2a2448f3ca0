package dev.comfyagent.runtime.workflow;

/**
 * The bounded undo history of one workflow: each applied patch pushes an entry; when the bound is
 * reached the oldest entry is dropped.
 *
 * <p>{@link #depth()} is part of the published contract with the instrument-javaagent's memory
 * probe profile ({@code dev.comfyagent.runtime.workflow.UndoHistory#depth}); keep its name and
 * meaning.
 *
 * <p>OWNER: workflow helper. Skeleton: fill in push/pop/entries.
 */
public final class UndoHistory {

  private final int limit;

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
  public synchronized int depth() {
    return 0;
  }
}
