package dev.comfyagent.benchmarks.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfyagent.runtime.tool.ToolResult;
import dev.comfyagent.runtime.workflow.WorkflowPatcher;
import dev.comfyagent.runtime.workflow.WorkflowState;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PatchApplyBenchmarkTest {

  static Stream<Arguments> cases() {
    return Stream.of(WorkflowCases.SDXL, WorkflowCases.GRAPH_500)
        .flatMap(
            graph ->
                Stream.of(WorkflowCases.ONE_REPLACE, WorkflowCases.TWENTY_OPS)
                    .map(patch -> Arguments.of(graph, patch)));
  }

  private static PatchApplyBenchmark benchmark(String graph, String patch) {
    PatchApplyBenchmark benchmark = new PatchApplyBenchmark();
    benchmark.graph = graph;
    benchmark.patch = patch;
    benchmark.setUp();
    return benchmark;
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void everyDepthMakesTheSameChange(String graph, String patch) {
    PatchApplyBenchmark benchmark = benchmark(graph, patch);

    WorkflowState.Change change = benchmark.workflowState();
    WorkflowPatcher.Result bare = benchmark.patcher();

    assertThat(change.after()).isEqualTo(bare.result()).isNotEqualTo(change.before());
    assertThat(change.undoDepth()).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void everyCallStartsFromTheUnpatchedWorkflow(String graph, String patch) {
    PatchApplyBenchmark benchmark = benchmark(graph, patch);

    WorkflowState.Change first = benchmark.workflowState();
    WorkflowState.Change second = benchmark.workflowState();

    assertThat(second.before()).isEqualTo(first.before());
    assertThat(second.undoDepth()).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void theToolAppliesThePatchWithoutIntroducingProblems(String graph, String patch) {
    PatchApplyBenchmark benchmark = benchmark(graph, patch);

    ToolResult first = benchmark.tool();
    ToolResult second = benchmark.tool();

    assertThat(first.isError()).as(first.text()).isFalse();
    assertThat(first.structuredContent().path("applied").asBoolean()).isTrue();
    assertThat(first.structuredContent().path("new_problems")).isEmpty();
    assertThat(second.structuredContent()).isEqualTo(first.structuredContent());
  }
}
