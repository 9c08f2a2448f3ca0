/**
 * GPU use during renders: a sampler thread reads {@code nvidia-smi} (or, without it, ComfyUI's
 * {@code /system_stats}) at an interval ({@link dev.comfyagent.instrument.hooks.gpu.GpuSampler},
 * settings in {@link dev.comfyagent.instrument.hooks.gpu.GpuSettings}); a window opened at the
 * start of {@code execute_workflow} and closed at its end gives the render's peak utilisation and
 * VRAM ({@link dev.comfyagent.instrument.hooks.gpu.GpuWindow}, {@link
 * dev.comfyagent.instrument.hooks.gpu.GpuReading}), appended to the result's {@code Rendered in}
 * line ({@link dev.comfyagent.instrument.hooks.gpu.RenderTimeSuffix}); a metrics section carries
 * the last sample. A read that fails is a counted {@link
 * dev.comfyagent.instrument.hooks.gpu.GpuFault}, never an exception in the host.
 *
 * <p>May import: the root package {@code dev.comfyagent.instrument} ({@code AgentContext}, {@code
 * AgentExtension}), {@code config}, {@code emit}, {@code host} (copying the runtime's result
 * record), {@code record}; Jackson (shaded).
 *
 * <p>Entry points:
 *
 * <pre>{@code
 * GpuSampler sampler = GpuSampler.start(GpuSettings.fromOptions(options), notices::add);
 * GpuWindow window = sampler.open();          // at the start of execute_workflow
 * GpuReading gpu = window.close();             // at its end
 * text = RenderTimeSuffix.insertAfterRenderTime(text, gpu);
 * sampler.close();                             // at shutdown
 * }</pre>
 */
package dev.comfyagent.instrument.hooks.gpu;
