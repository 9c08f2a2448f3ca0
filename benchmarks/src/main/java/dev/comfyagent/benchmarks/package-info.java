/**
 * The benchmark suite's entry: {@code BenchmarkSuite} runs the runtime benchmarks in one JMH run
 * and the agent overhead benchmark once per agent configuration, each in its own fork, and writes
 * one JMH JSON file with {@code machine.json} beside it.
 *
 * <p>May import: {@code compare}, {@code overhead}, the JDK and JMH.
 *
 * <p>Entry point:
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar dev.comfyagent.benchmarks.BenchmarkSuite [--smoke]
 * }</pre>
 */
package dev.comfyagent.benchmarks;
