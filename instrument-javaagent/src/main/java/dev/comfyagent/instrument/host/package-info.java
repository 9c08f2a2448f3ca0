/**
 * Everything that reads or builds host objects reflectively: the one place where the agent touches
 * classes it never links to (the runtime's tools and results, the MCP SDK's requests and records,
 * Jackson trees, Reactor's {@code Mono}, Resilience4j, SLF4J's MDC, the size methods of probed
 * classes). Method handles are looked up once per class in the class's own loader ({@code
 * ClassValue}) and fail soft: a missing member gives the documented fallback, never an exception
 * into the host.
 *
 * <p>The names of agent-runtime that these readers and the hooks rely on are listed once, in {@link
 * dev.comfyagent.instrument.host.RuntimeContract}; the it-tests check every one of them against the
 * packaged runtime jar.
 *
 * <p>May import: the JDK and {@code record} (the {@code HostReader} and {@code TreeReader} ports
 * that the recorders declare and {@link dev.comfyagent.instrument.host.MethodHandleHostReader}
 * implements). Imported by the agent's root package (which creates the reader), {@code hooks.*} and
 * nothing below them. Lives in the isolated {@code inst/} class pack like the rest of the
 * implementation.
 *
 * <p>Entry points:
 *
 * <pre>{@code
 * HostReader host = new MethodHandleHostReader();          // tool names, requests, results, Mono
 * String name = host.toolName(tool, tool.getClass());       // "load_workflow"
 * RecordCopy.forType(result.getClass())                     // a host record with one part replaced
 *     .map(copy -> copy.with(result, RuntimeContract.TOOL_RESULT_TEXT, "..."));
 * SdkTypes.of(featuresType).map(sdk -> sdk.result("text", null, false));   // the SDK's own objects
 * SizeMethod.find(type, "size").read(instance);             // a memory probe's figure
 * }</pre>
 */
package dev.comfyagent.instrument.host;
