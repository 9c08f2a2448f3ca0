/**
 * Whole-process timing of the agent's {@code report} command over a run of the size it must handle
 * (a million trace lines, a day of metrics).
 *
 * <p>May import: {@code overhead} (finding the agent jar) and the JDK.
 *
 * <p>Entry point:
 *
 * <pre>{@code
 * java -cp benchmarks.jar dev.comfyagent.benchmarks.report.ReportBenchmark --runs 3
 * }</pre>
 */
package dev.comfyagent.benchmarks.report;
