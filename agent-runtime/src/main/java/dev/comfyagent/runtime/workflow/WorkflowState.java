package dev.comfyagent.runtime.workflow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.tool.ToolException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The editable state of one workflow: the current version, the base it was loaded as (for diffs and
 * reset), and the undo history of the patches applied since.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * WorkflowState state = new WorkflowState(50);
 * state.load(workflow);
 * state.apply(JsonPatch.parse(ops), "apply_workflow_patch");   // all or nothing, undoable
 * state.undo(1);
 * WorkflowState copy = WorkflowState.restore(state.snapshot(), 50);
 * }</pre>
 *
 * <p>Every change goes through a {@link JsonPatch}: applying it pushes one {@link
 * UndoHistory.Entry} holding the patch and its inverse; {@link #reset()} is a change too (from the
 * current version back to the base) and can be undone like any other. {@link #load} starts afresh.
 *
 * <p>Thread-safe: every method holds one private lock, so a patch and an execution of the same
 * workflow never see a half-applied state.
 */
public final class WorkflowState {

  // A private lock: callers cannot take it and stall a patch or an execution.
  private final Object lock = new Object();
  private final UndoHistory undo;
  private final Clock clock;
  private Workflow current;
  private Workflow base;

  public WorkflowState(int undoLimit) {
    this(undoLimit, Clock.systemUTC());
  }

  /** A state whose undo entries are stamped by {@code clock} (tests). */
  public WorkflowState(int undoLimit, Clock clock) {
    this.undo = new UndoHistory(undoLimit);
    this.clock = clock;
  }

  /** The current workflow, if one was loaded. */
  public Optional<Workflow> current() {
    synchronized (lock) {
      return Optional.ofNullable(current);
    }
  }

  /**
   * The current workflow.
   *
   * @throws ToolException when none was loaded, saying to call {@code load_workflow} first
   */
  public Workflow requireCurrent() {
    synchronized (lock) {
      if (current == null) {
        throw new ToolException(
            "no workflow is loaded in this session; call load_workflow (or load_session) first");
      }
      return current;
    }
  }

  /** The base the current workflow was loaded as, if one was loaded. */
  public Optional<Workflow> base() {
    synchronized (lock) {
      return Optional.ofNullable(base);
    }
  }

  /** Makes {@code workflow} both the current version and the base; clears the undo history. */
  public void load(Workflow workflow) {
    synchronized (lock) {
      this.current = workflow;
      this.base = workflow;
      undo.clear();
    }
  }

  /** The undo history (for its depth; entries are managed through this state). */
  public UndoHistory undoHistory() {
    return undo;
  }

  /**
   * Applies {@code patch} to the current workflow, all or nothing, and pushes one undo entry when
   * the patch changes anything (a patch of {@code test}s alone only checks).
   *
   * @param label what to call the change in the undo history
   * @throws PatchException when an operation fails; the state is then unchanged
   * @throws ToolException when no workflow is loaded
   */
  public Change apply(JsonPatch patch, String label) {
    synchronized (lock) {
      Workflow before = requireCurrent();
      WorkflowPatcher.Result result = WorkflowPatcher.apply(before, patch);
      if (patch.changesSomething()) {
        undo.push(new UndoHistory.Entry(label, clock.instant(), patch, result.inverse()));
        current = result.result();
      }
      return new Change(before, current, patch, undo.depth());
    }
  }

  /**
   * What the current workflow would become under {@code patch}; nothing is changed.
   *
   * @throws PatchException when an operation fails
   */
  public Workflow preview(JsonPatch patch) {
    synchronized (lock) {
      return WorkflowPatcher.apply(requireCurrent(), patch).result();
    }
  }

  /**
   * Reverts the last {@code steps} changes, all or nothing.
   *
   * @throws ToolException when fewer changes can be undone, naming how many can
   */
  public Undone undo(int steps) {
    synchronized (lock) {
      Workflow before = requireCurrent();
      if (steps < 1) {
        throw new ToolException("steps must be at least 1, got " + steps);
      }
      List<UndoHistory.Entry> entries = undo.entries();
      if (entries.isEmpty()) {
        throw new ToolException(
            "nothing to undo: no change was made since the workflow was loaded"
                + " (or the undo history was used up)");
      }
      if (steps > entries.size()) {
        throw new ToolException(
            "cannot undo "
                + steps
                + " changes: only "
                + entries.size()
                + " can be undone (the history keeps the last "
                + undo.limit()
                + ")");
      }
      Workflow next = before;
      List<UndoHistory.Entry> undone = new ArrayList<>(steps);
      for (int i = entries.size() - 1; i >= entries.size() - steps; i--) {
        UndoHistory.Entry entry = entries.get(i);
        try {
          next = WorkflowPatcher.apply(next, entry.inverse()).result();
        } catch (PatchException e) {
          throw new ToolException(
              "the undo history does not fit the workflow any more ("
                  + entry.label()
                  + "): "
                  + e.getMessage()
                  + "; nothing was undone");
        }
        undone.add(entry);
      }
      for (int i = 0; i < steps; i++) {
        undo.pop();
      }
      current = next;
      return new Undone(before, current, undone, undo.depth());
    }
  }

  /**
   * The RFC 6902 changes from the base to the current workflow.
   *
   * @throws ToolException when no workflow is loaded
   */
  public JsonPatch diffFromBase() {
    synchronized (lock) {
      return WorkflowDiff.between(requireBase(), requireCurrent());
    }
  }

  /**
   * Makes the current workflow the base again. When that changes anything it is recorded as one
   * undoable change labelled {@code reset_workflow}.
   *
   * @throws ToolException when no workflow is loaded
   */
  public Change reset() {
    synchronized (lock) {
      Workflow before = requireCurrent();
      JsonPatch forward = WorkflowDiff.between(before, requireBase());
      if (!forward.isEmpty()) {
        JsonPatch backward = WorkflowDiff.between(base, before);
        undo.push(new UndoHistory.Entry("reset_workflow", clock.instant(), forward, backward));
        current = base;
      }
      return new Change(before, current, forward, undo.depth());
    }
  }

  private Workflow requireBase() {
    requireCurrent();
    return base == null ? current : base;
  }

  /** Everything needed to persist this state; see {@link Snapshot}. */
  public Snapshot snapshot() {
    synchronized (lock) {
      return new Snapshot(
          current == null ? null : current.apiJson(),
          base == null ? null : base.apiJson(),
          undo.entries().stream().map(UndoHistory.Entry::toJson).toList());
    }
  }

  /**
   * A state rebuilt from a snapshot written by {@link #snapshot()}. Undo entries beyond {@code
   * undoLimit} are dropped, oldest first.
   *
   * @throws WorkflowFormatException when the snapshot's workflows or undo entries are malformed
   */
  public static WorkflowState restore(Snapshot snapshot, int undoLimit) {
    Workflow current = snapshot.current() == null ? null : Workflow.ofApi(snapshot.current());
    Workflow base = snapshot.base() == null ? current : Workflow.ofApi(snapshot.base());
    WorkflowState state = new WorkflowState(undoLimit);
    synchronized (state.lock) {
      state.current = current;
      state.base = base;
      if (snapshot.undo() != null) {
        state.undo.replaceAll(UndoHistory.fromJson(snapshot.undo()));
      }
    }
    return state;
  }

  /**
   * A persistable copy of a {@link WorkflowState}.
   *
   * @param current the current workflow (API format), or {@code null}
   * @param base the base workflow (API format), or {@code null}
   * @param undo undo entries, oldest first, each a JSON object whose shape the workflow package
   *     owns (session files store them verbatim): see {@link UndoHistory.Entry}
   */
  public record Snapshot(ObjectNode current, ObjectNode base, List<ObjectNode> undo) {}

  /**
   * A change that was made.
   *
   * @param before the workflow before
   * @param after the workflow after (the same as before when nothing changed)
   * @param patch what was applied
   * @param undoDepth the undo history's depth afterwards
   */
  public record Change(Workflow before, Workflow after, JsonPatch patch, int undoDepth) {}

  /**
   * Changes that were undone.
   *
   * @param before the workflow before the undo
   * @param after the workflow after it
   * @param undone the entries reverted, newest first
   * @param undoDepth the undo history's depth afterwards
   */
  public record Undone(
      Workflow before, Workflow after, List<UndoHistory.Entry> undone, int undoDepth) {}
}
