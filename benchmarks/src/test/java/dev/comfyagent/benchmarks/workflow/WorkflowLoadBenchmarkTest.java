package dev.comfyagent.benchmarks.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfyagent.runtime.tool.ToolResult;
import dev.comfyagent.runtime.workflow.ValidationReport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WorkflowLoadBenchmarkTest {

  private static WorkflowLoadBenchmark benchmark(String graph) {
    WorkflowLoadBenchmark benchmark = new WorkflowLoadBenchmark();
    benchmark.graph = graph;
    benchmark.setUp();
    return benchmark;
  }

  @ParameterizedTest
  @ValueSource(strings = {WorkflowCases.SDXL, WorkflowCases.GRAPH_500})
  void loadsAndValidatesEveryNodeAgainstTheCatalog(String graph) {
    ValidationReport report = benchmark(graph).loadAndValidate();

    assertThat(report.problems()).isEmpty();
    assertThat(report.catalogAvailable()).isTrue();
    assertThat(report.nodeCount()).isEqualTo(WorkflowCases.graph(graph).size());
  }

  @ParameterizedTest
  @ValueSource(strings = {WorkflowCases.SDXL, WorkflowCases.GRAPH_500})
  void theToolLoadsTheInlineWorkflowAsApiFormat(String graph) {
    ToolResult answer = benchmark(graph).tool();

    assertThat(answer.isError()).as(answer.text()).isFalse();
    assertThat(answer.structuredContent().path("format").asText()).isEqualTo("api");
    assertThat(answer.structuredContent().path("node_count").asInt())
        .isEqualTo(WorkflowCases.graph(graph).size());
  }
}
