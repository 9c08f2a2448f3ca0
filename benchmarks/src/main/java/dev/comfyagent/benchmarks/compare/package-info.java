/**
 * Reading JMH result files and comparing a run with the committed baseline: a table per benchmark
 * and metric, a warning per figure worse than the threshold (an {@code ::warning::} in GitHub
 * Actions), never a failed build.
 *
 * <p>May import: nothing of the benchmarks; Jackson and the JDK.
 *
 * <p>Entry point:
 *
 * <pre>{@code
 * java -cp benchmarks.jar dev.comfyagent.benchmarks.compare.BaselineComparator baseline.json new.json
 * }</pre>
 */
package dev.comfyagent.benchmarks.compare;
