/**
 * The benchmarks' data sets, generated once per JVM from fixed seeds so that every fork and every
 * run sees the same bytes: node catalogs of ComfyUI with many custom node packs, ComfyUI-Manager's
 * map, the SDXL workflow, large API graphs, patches and search queries.
 *
 * <p>May import: no other package of the benchmarks and nothing of agent-runtime; Jackson and the
 * JDK.
 *
 * <p>Entry point:
 *
 * <pre>{@code
 * java -cp benchmarks.jar dev.comfyagent.benchmarks.data.BenchmarkData target/benchmark-data
 * }</pre>
 */
package dev.comfyagent.benchmarks.data;
