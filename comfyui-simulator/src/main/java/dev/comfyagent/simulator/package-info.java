/**
 * A ComfyUI simulator for tests and the demo: an HTTP and WebSocket server answering ComfyUI's API
 * with its real shapes, status codes and messages, a prompt queue and worker that report progress
 * over {@code /ws}, placeholder images, and faults a test can arm (errors, delays, malformed JSON,
 * a crash mid-render). It is not ComfyUI: nothing is rendered.
 *
 * <p>May import: Jetty (HTTP and WebSocket), Jackson, SLF4J and the JDK; no module of the project.
 *
 * <p>Entry point:
 *
 * <pre>{@code
 * ComfyUiSimulator comfy = ComfyUiSimulator.builder().port(0).start();
 * }</pre>
 */
package dev.comfyagent.simulator;
