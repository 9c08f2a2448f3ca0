package dev.comfyagent.benchmarks.workflow;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.workflow.Workflow;
import java.io.IOException;
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
 * The first half of {@code load_workflow}: the workflow's text parsed by Jackson and checked into a
 * {@link Workflow} ({@link Workflow#ofApi}, which also copies the JSON), with a plain Jackson
 * mapper. The whole load, with format detection and validation against the catalog, is {@link
 * WorkflowLoadBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class WorkflowParseBenchmark {

  @Param({WorkflowCases.SDXL, WorkflowCases.GRAPH_500})
  public String graph;

  private final ObjectMapper mapper = new ObjectMapper();
  private String text;

  @Setup
  public void setUp() {
    text = WorkflowCases.graphText(graph);
  }

  /** Text to a checked {@link Workflow}. */
  @Benchmark
  public Workflow parseApiFormat() throws IOException {
    return Workflow.ofApi((ObjectNode) mapper.readTree(text));
  }
}
