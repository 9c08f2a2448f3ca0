/**
 * The agent's assembly: {@link dev.comfyagent.instrument.AgentInstaller} (what {@code premain} and
 * {@code agentmain} call: parse the options, register one start trigger, return), {@link
 * dev.comfyagent.instrument.Agent} (the running agent: output files, the tool-call tracker, the
 * metrics reporter, the weave targets, started on the first class that could hold a join point),
 * and the extension point the hooks plug into ({@link dev.comfyagent.instrument.AgentExtension},
 * found with {@link java.util.ServiceLoader}, given an {@link
 * dev.comfyagent.instrument.AgentContext}). The classes the JVM loads from the host's class path to
 * start the agent are kept apart from this package; everything here runs in the agent's own class
 * loader.
 *
 * <p>May import: {@code attach}, {@code bootstrap}, {@code config}, {@code emit}, {@code export},
 * {@code export.figures} (what the exports read), {@code host} (the host reader it creates), {@code
 * record}, {@code weave}; nothing imports this package but the hooks (through {@code AgentContext}
 * and {@code AgentExtension}).
 *
 * <p>Entry points:
 *
 * <pre>{@code
 * AgentInstaller.install(agentArgs, instrumentation, attachedLate, agentJar); // premain, agentmain
 *
 * public final class MyExtension implements AgentExtension {  // listed in META-INF/services
 *   public String name() { return "mine"; }
 *   public void install(AgentContext agent) throws ConfigException {
 *     agent.addToolCallHook(new MyHook());
 *     agent.addMetricsSection(new MySection());
 *   }
 * }
 * }</pre>
 */
package dev.comfyagent.instrument;
