package dev.comfyagent.benchmarks.workflow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.benchmarks.data.BenchmarkData;
import dev.comfyagent.runtime.discover.NodeCatalog;
import dev.comfyagent.runtime.discover.NodeDefinitions;
import dev.comfyagent.runtime.session.SessionRegistry;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolResult;
import dev.comfyagent.runtime.workflow.ApplyWorkflowPatchTool;
import dev.comfyagent.runtime.workflow.JsonPatch;
import dev.comfyagent.runtime.workflow.UndoHistory;
import dev.comfyagent.runtime.workflow.Workflow;
import dev.comfyagent.runtime.workflow.WorkflowPatcher;
import dev.comfyagent.runtime.workflow.WorkflowState;
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
 * {@code apply_workflow_patch}: an RFC 6902 patch, one {@code replace} or 20 operations, applied
 * all-or-nothing to the SDXL base + refiner graph (11 nodes) and to a generated 500-node graph.
 * Target: a single replace on SDXL in at most 5 µs ({@link #workflowState}).
 *
 * <p>Three depths of the same change, so a regression shows where it is:
 *
 * <ul>
 *   <li>{@link #workflowState}: the change as the tool makes it: the patch's JSON parsed into
 *       operations and applied through {@link WorkflowState#apply}, which keeps the inverse patch
 *       in the undo history. The state is first {@linkplain WorkflowState#load reloaded} with the
 *       unpatched graph (two reference stores and an undo history cleared of its one entry), so
 *       every call applies the same patch to the same graph; a 20-operation patch guarded by {@code
 *       test}s could not be applied twice.
 *   <li>{@link #patcher}: {@link WorkflowPatcher#apply} alone on the parsed patch: copy-on-write
 *       patching and the inverse patch, no parsing, no bookkeeping.
 *   <li>{@link #tool}: the whole {@link ApplyWorkflowPatchTool#call}, whose answer also lists the
 *       changes and validates the workflow before and after against the 2,000-class catalog to name
 *       any problem the patch introduced: what a client waits for.
 * </ul>
 *
 * <p>Setup checks that each patch applies, changes the workflow and introduces no validation
 * problem, so a data change that broke a patch fails the run instead of timing an error path.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class PatchApplyBenchmark {

  private static final String CONNECTION = "benchmark-connection";

  @Param({WorkflowCases.SDXL, WorkflowCases.GRAPH_500})
  public String graph;

  @Param({WorkflowCases.ONE_REPLACE, WorkflowCases.TWENTY_OPS})
  public String patch;

  private Workflow unpatched;
  private ArrayNode operations;
  private JsonPatch parsed;
  private WorkflowState state;
  private ApplyWorkflowPatchTool applyTool;
  private WorkflowState toolState;
  private ObjectNode toolArguments;
  private ToolContext context;

  @Setup
  public void setUp() {
    unpatched = Workflow.ofApi(WorkflowCases.graph(graph));
    operations = WorkflowCases.patch(graph, patch);
    parsed = JsonPatch.parse(operations);
    state = new WorkflowState(UndoHistory.DEFAULT_LIMIT);

    SessionRegistry sessions = new SessionRegistry(UndoHistory.DEFAULT_LIMIT);
    NodeCatalog catalog = NodeCatalog.fixed(NodeDefinitions.parse(BenchmarkData.objectInfo()));
    applyTool = new ApplyWorkflowPatchTool(sessions, catalog);
    context = ToolContext.detached(CONNECTION);
    toolState = sessions.current(CONNECTION).workflow();
    toolArguments = JsonNodeFactory.instance.objectNode();
    toolArguments.set("patch", operations);

    WorkflowState.Change change = workflowState();
    if (change.undoDepth() != 1 || change.after().equals(change.before())) {
      throw new IllegalStateException(
          "patch " + patch + " on " + graph + " did not change the workflow: " + parsed);
    }
    ToolResult answer = tool();
    if (answer.isError() || !answer.structuredContent().path("new_problems").isEmpty()) {
      throw new IllegalStateException(
          "apply_workflow_patch on "
              + graph
              + " with "
              + patch
              + " should apply cleanly, but answered: "
              + answer.text());
    }
  }

  /** The patch as {@code apply_workflow_patch} applies it: parsed, applied, made undoable. */
  @Benchmark
  public WorkflowState.Change workflowState() {
    state.load(unpatched);
    return state.apply(JsonPatch.parse(operations), "apply_workflow_patch");
  }

  /** The bare patcher: the patched copy and its inverse; the unpatched workflow is unchanged. */
  @Benchmark
  public WorkflowPatcher.Result patcher() {
    return WorkflowPatcher.apply(unpatched, parsed);
  }

  /** The whole tool call: apply, then list the changes and the problems the patch introduced. */
  @Benchmark
  public ToolResult tool() {
    toolState.load(unpatched);
    return applyTool.call(toolArguments, context);
  }
}
