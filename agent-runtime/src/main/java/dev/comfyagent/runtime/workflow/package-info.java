/**
 * The workflow being edited: {@link dev.comfyagent.runtime.workflow.Workflow} (ComfyUI's API
 * format; UI files are read by {@link dev.comfyagent.runtime.workflow.WorkflowReader} and {@link
 * dev.comfyagent.runtime.workflow.UiWorkflowConverter}), its RFC 6902 patches ({@link
 * dev.comfyagent.runtime.workflow.JsonPatch}, {@link
 * dev.comfyagent.runtime.workflow.WorkflowPatcher}, all or nothing), its checks against ComfyUI's
 * node types ({@link dev.comfyagent.runtime.workflow.WorkflowValidator}, {@link
 * dev.comfyagent.runtime.workflow.MissingNodesReport}), and a connection's editing state with undo
 * ({@link dev.comfyagent.runtime.workflow.WorkflowState}, {@link
 * dev.comfyagent.runtime.workflow.UndoHistory}); and the UNDERSTAND and PILOT tools ({@link
 * dev.comfyagent.runtime.workflow.WorkflowTools}).
 *
 * <p>May import: {@code discover} (node definitions), {@code files}, {@code tool}. The tools find a
 * connection's workflow through the port {@link dev.comfyagent.runtime.workflow.CurrentWorkflows},
 * which {@code session} implements: the workflow package does not know how sessions are kept.
 *
 * <p>Entry points:
 *
 * <pre>{@code
 * Workflow w = Workflow.ofApi(apiJson);
 * Workflow patched = WorkflowPatcher.apply(w, JsonPatch.parse(patchJson)).result(); // or PatchException
 * ValidationReport report = WorkflowValidator.validate(patched, catalog.lookup().definitions());
 * WorkflowTools.create(sessions, catalog, managerMap, roots).forEach(registry::register);
 * }</pre>
 */
package dev.comfyagent.runtime.workflow;
