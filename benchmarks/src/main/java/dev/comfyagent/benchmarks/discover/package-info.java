/**
 * JMH benchmarks of the runtime's node discovery: one ranked {@code search_nodes} over up to 40,000
 * node types, and what a catalog refresh costs (parsing {@code /object_info} and the Manager's map,
 * building the search index).
 *
 * <p>May import: {@code data}; agent-runtime's {@code discover} package, JMH.
 *
 * <p>Entry point:
 *
 * <pre>{@code
 * java -jar benchmarks.jar NodeSearchBenchmark
 * }</pre>
 */
package dev.comfyagent.benchmarks.discover;
