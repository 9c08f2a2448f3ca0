/**
 * Loading the agent into a JVM that is already running: {@code java -jar instrument-javaagent.jar
 * attach <pid>} finds the target ({@code TargetJvm}, {@code JvmKind}: agent-runtime, another MCP
 * Java SDK server, or anything else, judged from its command line and class path), makes the checks
 * before asking it to attach ({@code AttachPreflight}: a JVM the attach provider does not list is
 * attached to only with {@code --force}, since it may answer on stdout, the MCP channel), loads the
 * agent over HotSpot's attach API ({@code HotSpotAttach}) and reports each failure with a reason
 * the operator can act on ({@code AttachFailure}). It also dispatches the jar's other commands
 * ({@code list}, {@code report}, {@code merge}).
 *
 * <p>May import: {@code fleet}, {@code host} (the runtime's names), {@code report}; and the JDK's
 * {@code jdk.attach} module. Nothing here runs inside the target JVM.
 *
 * <p>Entry point:
 *
 * <pre>{@code
 * // java -jar instrument-javaagent.jar attach 4242 trace=off
 * int exit = AttachCommand.run(new String[] {"attach", "4242", "trace=off"}, System.out, System.err);
 * // AttachCommand.EXIT_OK, EXIT_FAILED or EXIT_USAGE; "list" shows the JVMs that accept attach
 * }</pre>
 */
package dev.comfyagent.instrument.attach;
