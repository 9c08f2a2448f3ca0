package dev.comfyagent.benchmarks.discover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfyagent.runtime.discover.NodeMatch;
import dev.comfyagent.runtime.discover.NodeSearch;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NodeSearchBenchmarkTest {

  private static NodeSearchBenchmark benchmark(String catalog, String queries) throws IOException {
    NodeSearchBenchmark benchmark = new NodeSearchBenchmark();
    benchmark.catalog = catalog;
    benchmark.queries = queries;
    benchmark.setUp();
    return benchmark;
  }

  @ParameterizedTest
  @ValueSource(strings = {SearchCases.MANAGER_MAP, SearchCases.OBJECT_INFO, SearchCases.COMBINED})
  void exactQueriesFindTheirNodeTypeFirst(String catalog) throws IOException {
    NodeSearchBenchmark benchmark = benchmark(catalog, "exact");
    String[] queries = SearchCases.queries(catalog, "exact");

    for (int i = 0; i < 50; i++) {
      List<NodeMatch> matches = benchmark.search().matches();
      assertThat(matches).as(queries[i]).isNotEmpty().hasSizeLessThanOrEqualTo(20);
      assertThat(matches.get(0).tier()).as(queries[i]).isEqualTo(NodeMatch.Tier.EXACT);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {SearchCases.MANAGER_MAP, SearchCases.OBJECT_INFO, SearchCases.COMBINED})
  void fuzzyQueriesFindSomething(String catalog) throws IOException {
    NodeSearchBenchmark benchmark = benchmark(catalog, "fuzzy");

    int found = 0;
    for (int i = 0; i < 50; i++) {
      found += benchmark.search().matches().isEmpty() ? 0 : 1;
    }
    assertThat(found).isGreaterThan(40);
  }

  @ParameterizedTest
  @ValueSource(strings = {SearchCases.MANAGER_MAP, SearchCases.OBJECT_INFO, SearchCases.COMBINED})
  void marksInstallationAsItsCatalogsKnowIt(String catalog) throws IOException {
    NodeSearch.Answer answer =
        NodeSearchBenchmark.searchOver(catalog).search("sampler", 200, false, false);

    List<NodeMatch.Installation> seen =
        answer.matches().stream().map(NodeMatch::installation).distinct().toList();
    switch (catalog) {
      case SearchCases.MANAGER_MAP ->
          assertThat(seen).containsOnly(NodeMatch.Installation.NOT_INSTALLED);
      case SearchCases.OBJECT_INFO ->
          assertThat(seen).containsOnly(NodeMatch.Installation.INSTALLED);
      default ->
          assertThat(seen)
              .contains(NodeMatch.Installation.INSTALLED, NodeMatch.Installation.NOT_INSTALLED);
    }
  }
}
