/**
 * The bridge between woven host code and the agent: the only agent classes a host class loader
 * resolves. Advice copied into host methods calls the static methods of {@link
 * dev.comfyagent.instrument.bootstrap.AgentBridge}, which forward to the one {@link
 * dev.comfyagent.instrument.bootstrap.BridgeDispatch} the agent installs (and are no-ops while none
 * is). The package is defined in the bootstrap class loader, so its types are the same in every
 * class loader of the host.
 *
 * <p>May import: no other package of the agent, and of the JDK only {@code java.lang}: its classes
 * are visible to every host class and must not drag anything else there.
 *
 * <p>Entry points:
 *
 * <pre>{@code
 * // in advice (copied into the host):
 * Object frame = AgentBridge.enterToolCall(AgentBridge.LAYER_TOOL, tool, type, site, arguments);
 * result = AgentBridge.exitToolCall(frame, result, thrown);
 * // in the agent, once:
 * if (!AgentBridge.install(dispatch)) { ... another copy of the agent runs ... }
 * }</pre>
 */
package dev.comfyagent.instrument.bootstrap;
