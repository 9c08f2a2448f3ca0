package dev.comfyagent.benchmarks.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.benchmarks.workflow.WorkflowCases;
import dev.comfyagent.runtime.discover.NodeDefinitions;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WorkflowPatchesTest {

  private static final NodeDefinitions CATALOG = NodeDefinitions.parse(BenchmarkData.objectInfo());

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(WorkflowCases.SDXL, WorkflowCases.ONE_REPLACE, 1),
        Arguments.of(WorkflowCases.SDXL, WorkflowCases.TWENTY_OPS, 20),
        Arguments.of(WorkflowCases.GRAPH_500, WorkflowCases.ONE_REPLACE, 1),
        Arguments.of(WorkflowCases.GRAPH_500, WorkflowCases.TWENTY_OPS, 20));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void patchHasItsNumberOfOperations(String graph, String patch, int operations) {
    assertThat(WorkflowCases.patch(graph, patch)).hasSize(operations);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void patchAppliesCleanlyAndLeavesTheWorkflowValid(String graph, String patch, int operations) {
    ObjectNode before = WorkflowCases.graph(graph);
    ArrayNode ops = WorkflowCases.patch(graph, patch);
    ObjectNode after = JsonPatchForTests.apply(before, ops);
    assertThat(after).isNotEqualTo(before);
    assertThat(GraphValidity.problems(after, CATALOG)).isEmpty();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void largePatchesMixAddReplaceAndTest(String graph, String patch, int operations) {
    ArrayNode ops = WorkflowCases.patch(graph, patch);
    if (operations == 20) {
      assertThat(ops.findValuesAsText("op")).contains("add", "replace", "test");
    } else {
      assertThat(ops.findValuesAsText("op")).containsExactly("replace");
    }
  }
}
