package dev.comfyagent.runtime.workflow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.tool.ToolException;
import java.util.List;
import java.util.Optional;

/**
 * The editable state of one workflow: the current version, the base it was loaded as (for diffs and
 * reset), and the undo history of the patches applied since.
 *
 * <p>OWNER: workflow helper. This skeleton fixes the members other packages use ({@link
 * #current()}, {@link #requireCurrent()}, {@link #load}, {@link #snapshot()}, {@link #restore});
 * patching, undo, diff and reset are added by the owner.
 *
 * <p>Thread-safe: every method synchronizes on the instance, so a patch and an execution of the
 * same workflow never see a half-applied state.
 */
public final class WorkflowState {

  private final UndoHistory undo;
  private Workflow current;
  private Workflow base;

  public WorkflowState(int undoLimit) {
    this.undo = new UndoHistory(undoLimit);
  }

  /** The current workflow, if one was loaded. */
  public synchronized Optional<Workflow> current() {
    return Optional.ofNullable(current);
  }

  /**
   * The current workflow.
   *
   * @throws ToolException when none was loaded, saying to call {@code load_workflow} first
   */
  public synchronized Workflow requireCurrent() {
    if (current == null) {
      throw new ToolException(
          "no workflow is loaded in this session; call load_workflow (or load_session) first");
    }
    return current;
  }

  /** Makes {@code workflow} both the current version and the base; clears the undo history. */
  public synchronized void load(Workflow workflow) {
    this.current = workflow;
    this.base = workflow;
  }

  /** The undo history (for its depth; entries are managed through this state). */
  public UndoHistory undoHistory() {
    return undo;
  }

  /** Everything needed to persist this state; see {@link Snapshot}. */
  public synchronized Snapshot snapshot() {
    return new Snapshot(
        current == null ? null : current.apiJson(),
        base == null ? null : base.apiJson(),
        List.of());
  }

  /** A state rebuilt from a snapshot written by {@link #snapshot()}. */
  public static WorkflowState restore(Snapshot snapshot, int undoLimit) {
    WorkflowState state = new WorkflowState(undoLimit);
    if (snapshot.current() != null) {
      state.current = Workflow.ofApi(snapshot.current());
    }
    if (snapshot.base() != null) {
      state.base = Workflow.ofApi(snapshot.base());
    }
    return state;
  }

  /**
   * A persistable copy of a {@link WorkflowState}.
   *
   * @param current the current workflow (API format), or {@code null}
   * @param base the base workflow (API format), or {@code null}
   * @param undo undo entries, oldest first, each a JSON object whose shape the workflow package
   *     owns (session files store them verbatim)
   */
  public record Snapshot(ObjectNode current, ObjectNode base, List<ObjectNode> undo) {}
}
