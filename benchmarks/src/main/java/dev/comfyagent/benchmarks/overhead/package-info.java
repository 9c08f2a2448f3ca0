/**
 * What an agent adds to one tool call (JMH): the configurations (no agent, this agent with tracing
 * off or on, with its exports, the OpenTelemetry agent), the jars they attach, and the checks that
 * a fork runs under exactly the agent its parameter names.
 *
 * <p>May import: agent-runtime's {@code tool} package, JMH and the JDK.
 *
 * <p>Entry point:
 *
 * <pre>{@code
 * java -cp benchmarks.jar dev.comfyagent.benchmarks.BenchmarkSuite AgentOverheadBenchmark
 * }</pre>
 */
package dev.comfyagent.benchmarks.overhead;
