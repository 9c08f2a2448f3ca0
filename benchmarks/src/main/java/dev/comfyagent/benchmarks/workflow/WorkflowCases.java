package dev.comfyagent.benchmarks.workflow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.benchmarks.data.BenchmarkData;
import dev.comfyagent.benchmarks.data.SdxlWorkflow;
import dev.comfyagent.benchmarks.data.WorkflowPatches;

/**
 * The workflows and patches the workflow benchmarks run on, by the names their JMH parameters use:
 * graph {@value #SDXL} (11 nodes) or {@value #GRAPH_500} (500 generated nodes), patch {@value
 * #ONE_REPLACE} or {@value #TWENTY_OPS}.
 *
 * <p>Stateless and thread-safe; every call returns fresh JSON.
 */
public final class WorkflowCases {

  /** ComfyUI's SDXL base + refiner workflow, 11 nodes. */
  public static final String SDXL = "sdxl";

  /** A generated 500-node workflow. */
  public static final String GRAPH_500 = "graph-500";

  /** A patch of one {@code replace}. */
  public static final String ONE_REPLACE = "one-replace";

  /** A patch of 20 operations: add, replace (literals and links), test. */
  public static final String TWENTY_OPS = "twenty-ops";

  private WorkflowCases() {}

  /** The API-format JSON of {@code graph}. */
  public static ObjectNode graph(String graph) {
    return switch (graph) {
      case SDXL -> SdxlWorkflow.json();
      case GRAPH_500 -> BenchmarkData.largeGraph();
      default -> throw unknown("graph", graph, SDXL + ", " + GRAPH_500);
    };
  }

  /** The file text of {@code graph}, as a client would send it inline or a file would hold it. */
  public static String graphText(String graph) {
    return switch (graph) {
      case SDXL -> SdxlWorkflow.text();
      case GRAPH_500 -> BenchmarkData.largeGraphText();
      default -> throw unknown("graph", graph, SDXL + ", " + GRAPH_500);
    };
  }

  /** The RFC 6902 patch {@code patch} made for {@code graph}. */
  public static ArrayNode patch(String graph, String patch) {
    if (!SDXL.equals(graph) && !GRAPH_500.equals(graph)) {
      throw unknown("graph", graph, SDXL + ", " + GRAPH_500);
    }
    boolean sdxl = SDXL.equals(graph);
    return switch (patch) {
      case ONE_REPLACE ->
          sdxl ? WorkflowPatches.sdxlNewSeed() : BenchmarkData.largeGraphNewLiteral();
      case TWENTY_OPS ->
          sdxl ? WorkflowPatches.sdxlTwentyOps() : BenchmarkData.largeGraphTwentyOps();
      default -> throw unknown("patch", patch, ONE_REPLACE + ", " + TWENTY_OPS);
    };
  }

  private static IllegalArgumentException unknown(String what, String value, String valid) {
    return new IllegalArgumentException("unknown " + what + " " + value + "; valid: " + valid);
  }
}
