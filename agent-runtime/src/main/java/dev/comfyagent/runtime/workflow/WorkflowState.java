package dev.comfyagent.runtime.workflow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.tool.ToolException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

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
 * ToolResult answer = state.apply(patch, "set_input 3.seed", change -> report(change));
 * state.undo(1);
 * WorkflowState copy = WorkflowState.restore(state.snapshot(), 50);
 * }</pre>
 *
 * <p>Every change goes through a {@link JsonPatch}: applying it pushes one {@link
 * UndoHistory.Entry} holding the patch and its inverse; {@link #reset()} is a change too (from the
 * current version back to the base) and can be undone like any other. {@link #load} starts afresh.
 * A patch whose every write puts back an equal value ({@code 7.50} over {@code 7.5}, see {@link
 * JsonValues#same}) is no change: the workflow keeps its spelling and no undo step is used.
 *
 * <p>All or nothing, by construction: a change is computed from the current version without
 * touching it (patches are copy-on-write, see {@link WorkflowPatcher}), together with the undo
 * history it leads to and the caller's answer (the {@code answer} function of {@link
 * #apply(JsonPatch, String, Function)} and its siblings, which may also refuse the change by
 * throwing). Only when all of that has succeeded are the new version, base and history installed,
 * by plain assignments that cannot fail. An exception anywhere before, a defect included, leaves
 * the state exactly as it was.
 *
 * <p>Thread-safe: every method holds one private lock, so a patch and an execution of the same
 * workflow never see a half-applied state. Answer functions run under that lock: they should only
 * compute (fetch the node catalog before calling).
 */
public final class WorkflowState {

  // A private lock: callers cannot take it and stall a patch or an execution.
  private final Object lock = new Object();
  private final UndoHistory undo;
  private final Clock clock;
  private Workflow current;
  private Workflow base;
  private MutationFaults faults = MutationFaults.NONE;

  public WorkflowState(int undoLimit) {
    this(undoLimit, Clock.systemUTC());
  }

  /** A state whose undo entries are stamped by {@code clock} (tests). */
  public WorkflowState(int undoLimit, Clock clock) {
    this.undo = new UndoHistory(undoLimit);
    this.clock = clock;
  }

  /** Makes the changes of this state fail where {@code faults} says (tests only). */
  void injectFaults(MutationFaults faults) {
    synchronized (lock) {
      this.faults = faults;
    }
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
    load(workflow, w -> null);
  }

  /**
   * Makes {@code workflow} both the current version and the base and clears the undo history, once
   * {@code answer} has returned; if it throws, nothing is changed.
   *
   * @param answer builds the caller's answer from the workflow, before it is installed
   */
  public <R> R load(Workflow workflow, Function<Workflow, R> answer) {
    synchronized (lock) {
      Objects.requireNonNull(workflow, "workflow");
      R result = answered(() -> answer.apply(workflow));
      commit(workflow, workflow, List.of());
      return result;
    }
  }

  /** The undo history (for its depth; entries are managed through this state). */
  public UndoHistory undoHistory() {
    return undo;
  }

  /**
   * Applies {@code patch} to the current workflow, all or nothing, and pushes one undo entry when
   * the patch changes anything (a patch of {@code test}s alone only checks; a patch that only
   * writes equal values changes nothing).
   *
   * @param label what to call the change in the undo history
   * @throws PatchException when an operation fails; the state is then unchanged
   * @throws ToolException when no workflow is loaded
   */
  public Change apply(JsonPatch patch, String label) {
    return apply(patch, label, change -> change);
  }

  /**
   * {@link #apply(JsonPatch, String)}, where {@code answer} turns the change into the caller's
   * answer before the change is made. If {@code answer} throws (to refuse the change, or by a
   * defect), the exception propagates and nothing is changed.
   */
  public <R> R apply(JsonPatch patch, String label, Function<Change, R> answer) {
    synchronized (lock) {
      Workflow before = requireCurrent();
      WorkflowPatcher.Result result = WorkflowPatcher.apply(before, patch, faults);
      // The patcher returns the same workflow when every write put back an equal value.
      Workflow after = result.result();
      boolean changed = after != before;
      List<UndoHistory.Entry> entries =
          changed
              ? undo.withPushed(
                  new UndoHistory.Entry(label, clock.instant(), patch, result.inverse()))
              : undo.entries();
      faults.reached("computed");
      Change change = new Change(before, after, patch, entries.size());
      R answered = answered(() -> answer.apply(change));
      commit(after, base, entries);
      return answered;
    }
  }

  /**
   * What the current workflow would become under {@code patch}; nothing is changed.
   *
   * @throws PatchException when an operation fails
   */
  public Workflow preview(JsonPatch patch) {
    synchronized (lock) {
      return WorkflowPatcher.apply(requireCurrent(), patch, faults).result();
    }
  }

  /**
   * Reverts the last {@code steps} changes, all or nothing.
   *
   * @throws ToolException when fewer changes can be undone, naming how many can
   */
  public Undone undo(int steps) {
    return undo(steps, undone -> undone);
  }

  /**
   * {@link #undo(int)}, where {@code answer} turns what was undone into the caller's answer before
   * the undo is made; if it throws, nothing is changed.
   */
  public <R> R undo(int steps, Function<Undone, R> answer) {
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
          next = WorkflowPatcher.apply(next, entry.inverse(), faults).result();
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
      List<UndoHistory.Entry> remaining = entries.subList(0, entries.size() - steps);
      faults.reached("computed");
      Undone result = new Undone(before, next, List.copyOf(undone), remaining.size());
      R answered = answered(() -> answer.apply(result));
      commit(next, base, remaining);
      return answered;
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
    return reset(change -> change);
  }

  /**
   * {@link #reset()}, where {@code answer} turns the change into the caller's answer before it is
   * made; if it throws, nothing is changed.
   */
  public <R> R reset(Function<Change, R> answer) {
    synchronized (lock) {
      Workflow before = requireCurrent();
      Workflow target = requireBase();
      JsonPatch forward = WorkflowDiff.between(before, target);
      Workflow after = before;
      List<UndoHistory.Entry> entries = undo.entries();
      if (!forward.isEmpty()) {
        JsonPatch backward = WorkflowDiff.between(target, before);
        entries =
            undo.withPushed(
                new UndoHistory.Entry("reset_workflow", clock.instant(), forward, backward));
        after = target;
      }
      faults.reached("computed");
      Change change = new Change(before, after, forward, entries.size());
      R answered = answered(() -> answer.apply(change));
      commit(after, base, entries);
      return answered;
    }
  }

  /** Runs the caller's answer between the fault points around it. */
  private <R> R answered(Supplier<R> answer) {
    faults.reached("answer");
    R result = answer.get();
    faults.reached("answered");
    faults.reached("commit");
    return result;
  }

  /**
   * Installs a computed change. Only assignments of values computed beforehand, so nothing here can
   * fail half-way; the caller holds the lock.
   */
  private void commit(Workflow newCurrent, Workflow newBase, List<UndoHistory.Entry> newEntries) {
    current = newCurrent;
    base = newBase;
    undo.set(newEntries);
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
   * A change that was made (or, inside an answer function, is about to be).
   *
   * @param before the workflow before
   * @param after the workflow after (the same instance as before when nothing changed)
   * @param patch what was applied
   * @param undoDepth the undo history's depth afterwards
   */
  public record Change(Workflow before, Workflow after, JsonPatch patch, int undoDepth) {

    /** Whether the workflow changed (a patch of tests, or of equal values, changes nothing). */
    public boolean changed() {
      return after != before;
    }
  }

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
