/**
 * The runtime's command line and assembly: {@link dev.comfyagent.runtime.cli.RuntimeMain} (picocli:
 * {@code serve}, {@code --help}, {@code --version}), the settings from flags and environment
 * ({@link dev.comfyagent.runtime.cli.RuntimeSettings}), logging to stderr, and {@link
 * dev.comfyagent.runtime.cli.RuntimeAssembly}, which builds every service and registers every tool
 * in one {@code ToolRegistry}.
 *
 * <p>May import: every other package of the runtime (it is the top floor); none imports it.
 *
 * <p>Entry point (an MCP client's configuration):
 *
 * <pre>{@code
 * {"command": "java", "args": ["-jar", "agent-runtime-all.jar", "serve"],
 *  "env": {"COMFYUI_HOST": "127.0.0.1", "COMFYUI_PATH": "/opt/ComfyUI"}}
 * }</pre>
 */
package dev.comfyagent.runtime.cli;
