/**
 * What an agent adds to a whole MCP tool call as a client feels it: the SDK's Java client over
 * stdio to the packaged runtime, per agent configuration, rounds in ABBA order, p50/p99 and CPU per
 * call. The README's headline per-call figure comes from here.
 *
 * <p>May import: {@code startup} (jars and OpenTelemetry), the MCP SDK's client, Jackson and the
 * JDK.
 *
 * <p>Entry point:
 *
 * <pre>{@code
 * java -cp benchmarks.jar dev.comfyagent.benchmarks.roundtrip.RoundTripBenchmark --rounds 4
 * }</pre>
 */
package dev.comfyagent.benchmarks.roundtrip;
