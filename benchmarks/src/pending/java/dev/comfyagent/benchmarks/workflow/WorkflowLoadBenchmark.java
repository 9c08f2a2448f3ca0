package dev.comfyagent.benchmarks.workflow;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comfyagent.benchmarks.data.BenchmarkData;
import dev.comfyagent.runtime.discover.NodeDefinitions;
import dev.comfyagent.runtime.workflow.Workflow;
import dev.comfyagent.runtime.workflow.WorkflowFormats;
import dev.comfyagent.runtime.workflow.WorkflowValidator;
import java.io.IOException;
import java.util.List;
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
 * {@code load_workflow} + {@code validate_workflow}: the text parsed, its format detected (API, UI
 * with an embedded prompt, UI only), and the workflow validated against the 2,000-class catalog
 * (classes, required inputs, links and their types, literal bounds). Both graphs are valid, so this
 * is the cost of the path every good workflow takes. Target: SDXL in at most 100 µs.
 *
 * <p>PENDING-API: compiled once the workflow package's loader and validator land. The lines marked
 * {@code PENDING-API} are written against the most likely calls ({@code
 * WorkflowFormats.detectAndRead(JsonNode)} returning a {@link Workflow}, {@code
 * WorkflowValidator.validate(Workflow, NodeDefinitions)} returning the problems); adjust them to
 * the merged names and move this file to {@code src/main/java}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class WorkflowLoadBenchmark {

  @Param({WorkflowCases.SDXL, WorkflowCases.GRAPH_500})
  public String graph;

  private final ObjectMapper mapper = new ObjectMapper();
  private String text;
  private NodeDefinitions catalog;

  @Setup
  public void setUp() {
    text = WorkflowCases.graphText(graph);
    catalog = NodeDefinitions.parse(BenchmarkData.objectInfo());
  }

  /** Text to a validated workflow; the list of problems is empty for both graphs. */
  @Benchmark
  public List<?> loadAndValidate() throws IOException {
    Workflow workflow = WorkflowFormats.detectAndRead(mapper.readTree(text)); // PENDING-API
    return WorkflowValidator.validate(workflow, catalog); // PENDING-API
  }
}
