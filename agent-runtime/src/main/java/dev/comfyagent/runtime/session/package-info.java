/**
 * Sessions: a named (or scratch) workflow with its undo history and notes ({@link
 * dev.comfyagent.runtime.session.WorkflowSession}), which session is current for each MCP
 * connection ({@link dev.comfyagent.runtime.session.SessionRegistry}, the workflow tools' {@code
 * CurrentWorkflows}), the sessions saved on disk ({@link
 * dev.comfyagent.runtime.session.SessionStore}: atomic writes, one lock per directory across
 * processes); and the SESSIONS tools ({@link dev.comfyagent.runtime.session.SessionTools}).
 *
 * <p>May import: {@code workflow}, {@code files}, {@code tool}. {@code SessionRegistry}'s {@code
 * size()}, {@code open…}, {@code close…} and {@code current…} methods are a published contract of
 * the instrument-javaagent (docs/architecture.md); keep their names.
 *
 * <p>Entry points:
 *
 * <pre>{@code
 * SessionRegistry sessions = new SessionRegistry(50);
 * SessionStore store = new SessionStore(Path.of("sessions"), Clock.systemUTC());
 * SessionTools.create(sessions, store).forEach(registry::register);
 * sessions.currentWorkflow(connectionId).requireCurrent();   // what the workflow tools read
 * }</pre>
 */
package dev.comfyagent.runtime.session;
