package dev.comfyagent.benchmarks.workflow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.comfyagent.runtime.workflow.JsonPatch;
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
 * <p>Measured as {@code apply_workflow_patch} does it: the patch's JSON parsed into operations,
 * then applied copy-on-write (with the inverse patch the undo history keeps).
 *
 * <p>PENDING-API: compiled once the workflow package's patching lands (branch {@code workflow},
 * commit 542ade4: {@code JsonPatch.parse(JsonNode)}, {@code WorkflowPatcher.apply(Workflow,
 * JsonPatch)} returning a {@code Result}). Check the line marked {@code PENDING-API} against the
 * merged names and move this file to {@code src/main/java}. The patches are in {@link
 * WorkflowCases} and are checked to apply cleanly by {@code WorkflowPatchesTest}.
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

  /** The patched workflow and its inverse; the current one is left as it was. */
  @Benchmark
  public Object apply() {
    return WorkflowPatcher.apply(workflow, JsonPatch.parse(operations)); // PENDING-API
  }
}
