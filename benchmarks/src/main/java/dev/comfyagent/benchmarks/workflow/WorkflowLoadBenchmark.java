package dev.comfyagent.benchmarks.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.benchmarks.data.BenchmarkData;
import dev.comfyagent.runtime.discover.NodeCatalog;
import dev.comfyagent.runtime.discover.NodeDefinitions;
import dev.comfyagent.runtime.files.AllowedRoots;
import dev.comfyagent.runtime.session.SessionRegistry;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolResult;
import dev.comfyagent.runtime.workflow.LoadWorkflowTool;
import dev.comfyagent.runtime.workflow.LoadedWorkflow;
import dev.comfyagent.runtime.workflow.UndoHistory;
import dev.comfyagent.runtime.workflow.ValidationReport;
import dev.comfyagent.runtime.workflow.WorkflowFormat;
import dev.comfyagent.runtime.workflow.WorkflowJson;
import dev.comfyagent.runtime.workflow.WorkflowReader;
import dev.comfyagent.runtime.workflow.WorkflowValidator;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
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
 * {@code load_workflow}: a workflow's text parsed ({@link WorkflowJson#parse}), its format detected
 * and read ({@link WorkflowReader#read}: API format, API inside {@code prompt}, or UI format
 * converted with the catalog), and validated against the 2,000-class catalog ({@link
 * WorkflowValidator#validate}: classes, required inputs, links and their types, literal bounds),
 * for the SDXL base + refiner graph (11 nodes) and a generated 500-node graph. Target: SDXL in at
 * most 100 µs ({@link #loadAndValidate}).
 *
 * <p>{@link #tool} is the whole {@link LoadWorkflowTool#call} with the workflow inline, as a client
 * that pastes one sends it: the same steps plus the session's state, the summary (nodes by class,
 * links, models) and the answer's text and JSON.
 *
 * <p>Both graphs are valid (setup checks the report has no problem), so this is the cost of the
 * path every good workflow takes.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class WorkflowLoadBenchmark {

  private static final String SOURCE = "benchmark.json";

  @Param({WorkflowCases.SDXL, WorkflowCases.GRAPH_500})
  public String graph;

  private String text;
  private Optional<NodeDefinitions> catalog;
  private LoadWorkflowTool loadTool;
  private ObjectNode toolArguments;
  private ToolContext context;

  @Setup
  public void setUp() {
    text = WorkflowCases.graphText(graph);
    catalog = Optional.of(NodeDefinitions.parse(BenchmarkData.objectInfo()));
    loadTool =
        new LoadWorkflowTool(
            new SessionRegistry(UndoHistory.DEFAULT_LIMIT),
            NodeCatalog.fixed(catalog.get()),
            AllowedRoots.of(List.of(Path.of(System.getProperty("java.io.tmpdir")))));
    toolArguments = JsonNodeFactory.instance.objectNode().put("workflow", text);
    context = ToolContext.detached("benchmark-connection");

    ValidationReport report = loadAndValidate();
    if (!report.problems().isEmpty()) {
      throw new IllegalStateException(graph + " should be valid, but: " + report.text());
    }
    LoadedWorkflow loaded = WorkflowReader.read(WorkflowJson.parse(text, SOURCE), catalog, SOURCE);
    if (loaded.format() != WorkflowFormat.API) {
      throw new IllegalStateException(graph + " read as " + loaded.format() + ", not API format");
    }
    ToolResult answer = tool();
    if (answer.isError()) {
      throw new IllegalStateException("load_workflow failed on " + graph + ": " + answer.text());
    }
  }

  /** Text to a validated workflow: parse, detect the format, read, validate. */
  @Benchmark
  public ValidationReport loadAndValidate() {
    JsonNode document = WorkflowJson.parse(text, SOURCE);
    LoadedWorkflow loaded = WorkflowReader.read(document, catalog, SOURCE);
    return WorkflowValidator.validate(loaded.workflow(), catalog);
  }

  /** The whole {@code load_workflow} call with the workflow's text inline. */
  @Benchmark
  public ToolResult tool() {
    return loadTool.call(toolArguments, context);
  }
}
