/**
 * The classes the host's class loaders see: {@link dev.comfyagent.instrument.entry.AgentEntry} (the
 * jar's {@code Premain-Class}, {@code Agent-Class} and {@code Main-Class}) and the isolated {@code
 * AgentClassLoader} it creates. The JVM loads them from the agent jar with the system class loader,
 * so they sit at their normal paths in the jar; everything else of the agent is in the {@code
 * inst/} class packs, which only {@code AgentClassLoader} reads.
 *
 * <p><b>The visibility rule is a package rule:</b> the jar's layout step (instrument-javaagent's
 * pom, {@code host.visible}) leaves exactly the packages {@code entry} and {@code bootstrap} at
 * their normal paths; {@code HostVisibleClassesTest} and the it-test {@code AgentJarLayoutIT} check
 * it. A class added here is seen by the host; a class anywhere else is not.
 *
 * <p>May import: the JDK only (and not even {@code bootstrap}). The implementation is reached by
 * name through the agent class loader ({@code dev.comfyagent.instrument.AgentInstaller}, {@code
 * ...attach.AttachCommand}), never linked. The other way round, the implementation may use this
 * package's {@link dev.comfyagent.instrument.entry.AgentArguments} (the one parser of the option
 * string and of {@code strict}): {@code AgentClassLoader} hands it the entry's own copy. No nested
 * classes: where the jar is appended to the bootstrap class path (the fallback when the bridge
 * cannot be defined there directly), a nested class would be defined apart from its outer class.
 *
 * <p>Entry points:
 *
 * <pre>{@code
 * java -javaagent:instrument-javaagent.jar[=options] ...   // premain
 * java -jar instrument-javaagent.jar attach <pid> ...      // main
 * }</pre>
 */
package dev.comfyagent.instrument.entry;
