/**
 * The README's first command: a scripted MCP session against the simulator, the packaged runtime
 * launched with the packaged agent, every request and answer printed for a person to follow.
 *
 * <p>May import: the simulator, the MCP SDK's client and the JDK.
 *
 * <p>Entry point:
 *
 * <pre>{@code
 * java -jar demo/target/comfy-agent-demo.jar [--no-agent]
 * }</pre>
 */
package dev.comfyagent.demo;
