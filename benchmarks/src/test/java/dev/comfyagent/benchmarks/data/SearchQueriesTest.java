package dev.comfyagent.benchmarks.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SearchQueriesTest {

  private static final List<String> NAMES = BenchmarkData.extensionNodeTypes();

  @ParameterizedTest
  @EnumSource(SearchQueries.Kind.class)
  void givesTheRequestedNumberOfNonEmptyQueriesDeterministically(SearchQueries.Kind kind) {
    String[] queries = SearchQueries.of(NAMES, kind, 64, 9);
    assertThat(queries).hasSize(64).allMatch(q -> !q.isBlank());
    assertThat(SearchQueries.of(NAMES, kind, 64, 9)).isEqualTo(queries);
  }

  @Test
  void exactQueriesAreNodeTypeNames() {
    assertThat(NAMES).contains(SearchQueries.of(NAMES, SearchQueries.Kind.EXACT, 32, 1));
  }

  @Test
  void prefixQueriesStartSomeName() {
    for (String q : SearchQueries.of(NAMES, SearchQueries.Kind.PREFIX, 32, 1)) {
      assertThat(NAMES).anyMatch(n -> n.toLowerCase(Locale.ROOT).startsWith(q));
    }
  }

  @Test
  void missQueriesMatchNoName() {
    for (String q : SearchQueries.of(NAMES, SearchQueries.Kind.MISS, 32, 1)) {
      String word = q.split(" ")[0];
      assertThat(NAMES).noneMatch(n -> n.toLowerCase(Locale.ROOT).contains(word));
    }
  }

  @Test
  void typoChangesTheWordButKeepsItRecognisable() {
    Random random = new Random(5);
    for (int i = 0; i < 100; i++) {
      String typo = SearchQueries.typo(random, "wildcard");
      assertThat(typo).isNotEqualTo("wildcard");
      assertThat(Math.abs(typo.length() - "wildcard".length())).isLessThanOrEqualTo(1);
    }
  }

  @Test
  void wordsSplitCamelCaseAndDropMarkers() {
    assertThat(SearchQueries.words("ImpactWildcardProcessor"))
        .containsExactly("Impact", "Wildcard", "Processor");
    assertThat(SearchQueries.words("ShowText|pysssss")).containsExactly("Show", "Text", "pysssss");
    assertThat(SearchQueries.words("KSampler (Efficient)")).contains("Sampler", "Efficient");
  }

  @Test
  void rejectsNoNames() {
    assertThatThrownBy(() -> SearchQueries.of(List.of(), SearchQueries.Kind.EXACT, 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
