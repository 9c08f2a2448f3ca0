package dev.comfyagent.benchmarks.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.discover.NodeDefinitions;
import dev.comfyagent.runtime.workflow.Workflow;
import org.junit.jupiter.api.Test;

class ApiGraphGeneratorTest {

  private static final NodeDefinitions CATALOG = NodeDefinitions.parse(BenchmarkData.objectInfo());

  @Test
  void largeGraphHasFiveHundredNodesTheRuntimeAccepts() {
    ObjectNode graph = BenchmarkData.largeGraph();
    assertThat(graph.size()).isEqualTo(BenchmarkData.LARGE_GRAPH_NODES);
    assertThat(Workflow.ofApi(graph).size()).isEqualTo(500);
  }

  @Test
  void largeGraphIsValidAgainstTheCatalog() {
    assertThat(GraphValidity.problems(BenchmarkData.largeGraph(), CATALOG)).isEmpty();
  }

  @Test
  void sdxlWorkflowIsValidAgainstTheCatalog() {
    assertThat(SdxlWorkflow.json().size()).isEqualTo(11);
    assertThat(GraphValidity.problems(SdxlWorkflow.json(), CATALOG)).isEmpty();
  }

  @Test
  void mostNodesConsumeWhatEarlierNodesMade() {
    long linked = 0;
    for (JsonNode node : BenchmarkData.largeGraph()) {
      boolean hasLink = false;
      for (JsonNode value : node.path("inputs")) {
        hasLink |= value.isArray();
      }
      linked += hasLink ? 1 : 0;
    }
    assertThat(linked).isGreaterThan(300);
  }

  @Test
  void theValidityCheckFindsABrokenLink() {
    ObjectNode graph = BenchmarkData.largeGraph();
    ObjectNode inputs = (ObjectNode) graph.get("250").get("inputs");
    String linked =
        inputs.properties().stream()
            .filter(e -> e.getValue().isArray())
            .map(java.util.Map.Entry::getKey)
            .findFirst()
            .orElseThrow();
    inputs.set(linked, inputs.arrayNode().add("9999").add(0));
    assertThat(GraphValidity.problems(graph, CATALOG)).anyMatch(p -> p.contains("missing node"));
  }

  @Test
  void sameSeedGivesTheSameGraph() {
    var classes = BenchmarkData.catalogClasses();
    assertThat(ApiGraphGenerator.generate(classes, 60, 3))
        .isEqualTo(ApiGraphGenerator.generate(classes, 60, 3))
        .isNotEqualTo(ApiGraphGenerator.generate(classes, 60, 4));
  }
}
