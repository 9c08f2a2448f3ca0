/**
 * JMH benchmarks of the runtime's workflow operations: parsing and loading a workflow, applying an
 * RFC 6902 patch all or nothing, on the SDXL graph and on generated large graphs.
 *
 * <p>May import: {@code data}; agent-runtime's {@code workflow}, {@code discover}, {@code files},
 * {@code session} and {@code tool} packages, JMH.
 *
 * <p>Entry point:
 *
 * <pre>{@code
 * java -jar benchmarks.jar PatchApplyBenchmark
 * }</pre>
 */
package dev.comfyagent.benchmarks.workflow;
