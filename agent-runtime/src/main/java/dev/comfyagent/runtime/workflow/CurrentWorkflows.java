package dev.comfyagent.runtime.workflow;

/**
 * Where the workflow tools find the workflow they work on: the current {@link WorkflowState} of an
 * MCP connection. A port, so that the tools do not depend on how sessions are kept; {@code
 * session.SessionRegistry} implements it.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * CurrentWorkflows workflows = new SessionRegistry(50);
 * Workflow workflow = workflows.currentWorkflow(context.connectionId()).requireCurrent();
 * }</pre>
 *
 * <p>Implementations are thread-safe: tools of several connections call them at once.
 */
public interface CurrentWorkflows {

  /**
   * The connection's current workflow state; one with no workflow loaded yet on the connection's
   * first use. Never {@code null}.
   */
  WorkflowState currentWorkflow(String connectionId);

  /** How many changes each {@link WorkflowState} keeps for undo; at least 1. */
  int undoLimit();
}
