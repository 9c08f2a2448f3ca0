/**
 * Whole-process start-up: launch to the first {@code tools/list} answer and peak RSS with no agent,
 * this agent and OpenTelemetry's, paired A/B against another agent build, the goals checked ({@code
 * --check}), and the first {@code search_nodes} after start.
 *
 * <p>May import: {@code overhead} (the agent jars, the constant tool), agent-runtime's {@code mcp}
 * and {@code tool} packages (the smallest server), Jackson and the JDK.
 *
 * <p>Entry point:
 *
 * <pre>{@code
 * java -cp benchmarks.jar dev.comfyagent.benchmarks.startup.StartupBenchmark --check
 * }</pre>
 */
package dev.comfyagent.benchmarks.startup;
