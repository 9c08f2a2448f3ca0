/**
 * The agent's options: parsed from the {@code -javaagent} string, then system properties ({@code
 * -Dcomfyagent.*}), then environment variables ({@code COMFYAGENT_*}), checked against the one list
 * of known options ({@link dev.comfyagent.instrument.config.Option}, which also prints {@code
 * --help}), into an immutable {@link dev.comfyagent.instrument.config.AgentConfig}. A wrong value
 * is a {@link dev.comfyagent.instrument.config.ConfigException} naming the option, the value and
 * what it expected. Also the option values with a grammar of their own: {@link
 * dev.comfyagent.instrument.config.ToolPattern} ({@code tools=com.acme.*Tool#run}) and {@link
 * dev.comfyagent.instrument.config.HostPort}.
 *
 * <p>May import: {@code entry} alone ({@code AgentArguments}, the one parser of the option string,
 * which the entry needs before any of the agent is loaded); every package may import this one.
 *
 * <p>Entry points:
 *
 * <pre>{@code
 * AgentConfig config = AgentConfig.resolve(agentArgs, System.getProperties(), System.getenv());
 * Path out = config.outputDir();
 * boolean timed = config.enabled(Option.WEAVE_TOOL);
 * ToolPattern pattern = ToolPattern.parse("com.acme.*Tool#execute");
 * }</pre>
 */
package dev.comfyagent.instrument.config;
