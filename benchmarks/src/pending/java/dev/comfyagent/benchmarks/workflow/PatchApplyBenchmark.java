package dev.comfyagent.benchmarks.workflow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.comfyagent.runtime.workflow.Workflow;
import dev.comfyagent.runtime.workflow.WorkflowPatcher;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code apply_workflow_patch}: an RFC 6902 patch applied all-or-nothing to the current workflow
 * (one {@code replace}, or 20 operations) on the SDXL graph and on 500 nodes. Target: a single
 * replace on SDXL in at most 5 µs.
 *
 * <p>PENDING-API: compiled once the workflow package's patching lands. The line marked {@code
 * PENDING-API} is written against the most likely call ({@code WorkflowPatcher.apply(Workflow,
 * ArrayNode)} returning the patched {@link Workflow}); adjust it to the merged name and move this
 * file to {@code src/main/java}. The patches are in {@link WorkflowCases} and are checked to apply
 * cleanly by {@code WorkflowPatchesTest}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class PatchApplyBenchmark {

  @Param({WorkflowCases.SDXL, WorkflowCases.GRAPH_500})
  public String graph;

  @Param({WorkflowCases.ONE_REPLACE, WorkflowCases.TWENTY_OPS})
  public String patch;

  private Workflow workflow;
  private ArrayNode operations;

  @Setup
  public void setUp() {
    workflow = Workflow.ofApi(WorkflowCases.graph(graph));
    operations = WorkflowCases.patch(graph, patch);
  }

  /** The patched workflow; the current one is left as it was (workflows are immutable). */
  @Benchmark
  public Workflow apply() {
    return WorkflowPatcher.apply(workflow, operations); // PENDING-API
  }
}
