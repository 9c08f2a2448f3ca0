/**
 * Rendering the current workflow in ComfyUI: submitting it, following it over {@code /ws} with a
 * polling fallback, progress to the client, the outcome of long renders ({@code ExecutionTracker},
 * {@code Execution}, {@code ExecutionReport}); and the VERIFY tools that render: {@code
 * execute_workflow}, {@code get_execution_status}, {@code interrupt_execution} ({@link
 * dev.comfyagent.runtime.execute.ExecutionTools}).
 *
 * <p>May import: {@code workflow} (the {@code CurrentWorkflows} port and {@code Workflow}), {@code
 * comfy}, {@code tool}.
 *
 * <p>Entry point:
 *
 * <pre>{@code
 * ExecutionTools execution = ExecutionTools.create(comfy, sessions, ExecutionSettings.defaults());
 * execution.tools().forEach(registry::register);
 * }</pre>
 */
package dev.comfyagent.runtime.execute;
