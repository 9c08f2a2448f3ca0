/**
 * The {@code get_agent_stats} tool, added to any MCP Java SDK server's tool list as the server is
 * built (through the SDK-features weave and a {@code SdkServerContributor}): it answers with the
 * agent's figures since start, per tool, and its health ({@code StatsReport}), built with the API
 * of whichever SDK release the host has.
 *
 * <p>May import: the root package {@code dev.comfyagent.instrument} ({@code AgentContext}, {@code
 * AgentExtension}), {@code attach} (what the agent's loaded marker is called), {@code config},
 * {@code host} (the SDK's own types), {@code record}, {@code weave}.
 *
 * <p>Entry point:
 *
 * <pre>{@code
 * new StatsToolExtension().install(agent);   // found through META-INF/services
 * // then, from an MCP client: tools/call {"name": "get_agent_stats"}
 * }</pre>
 */
package dev.comfyagent.instrument.hooks.stats;
