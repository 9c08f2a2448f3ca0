/**
 * How ComfyUI is doing, whatever this runtime runs: the tools {@code is_comfyui_running}, {@code
 * get_system_stats} and {@code get_queue_status} ({@link
 * dev.comfyagent.runtime.status.StatusTools}). Which queued prompts a connection started comes in
 * through the port {@link dev.comfyagent.runtime.status.PromptOrigins}, which the assembly wires to
 * the execute package.
 *
 * <p>May import: {@code comfy}, {@code tool}.
 *
 * <p>Entry point:
 *
 * <pre>{@code
 * StatusTools.create(comfy, execution::connectionOf).forEach(registry::register);
 * }</pre>
 */
package dev.comfyagent.runtime.status;
