/**
 * ComfyUI's HTTP and WebSocket API as the runtime uses it: {@link
 * dev.comfyagent.runtime.comfy.ComfyUiClient} ({@code /object_info}, {@code /prompt}, {@code
 * /queue}, {@code /history}, {@code /ws}, ...), implemented by {@link
 * dev.comfyagent.runtime.comfy.HttpComfyUiClient} behind a Resilience4j circuit breaker and rate
 * limiter, and readers of ComfyUI's answers ({@link dev.comfyagent.runtime.comfy.PromptErrors},
 * {@link dev.comfyagent.runtime.comfy.QueueView}). Failures are {@link
 * dev.comfyagent.runtime.comfy.ComfyUiException}s whose message names host, port and breaker state.
 * Answers are read as ComfyUI writes them, Python's {@code Infinity} and {@code NaN} included
 * ({@code ComfyUiJson}).
 *
 * <p>May import: {@code tool} only (its exceptions are {@code ToolException}s).
 *
 * <p>Entry point:
 *
 * <pre>{@code
 * ComfyUiClient comfy = new HttpComfyUiClient(ComfyUiSettings.defaults());
 * JsonNode stats = comfy.systemStats();   // ComfyUiUnavailableException when it does not answer
 * }</pre>
 */
package dev.comfyagent.runtime.comfy;
