package dev.comfyagent.benchmarks.discover;

import dev.comfyagent.benchmarks.data.BenchmarkData;
import dev.comfyagent.benchmarks.data.NodeClassSpec;
import dev.comfyagent.benchmarks.data.SearchQueries;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The catalogs and queries the search benchmarks run, by the names their JMH parameters use:
 * catalog {@value #MANAGER_MAP} (40,000 node types in 5,600 packs), {@value #OBJECT_INFO} (2,000
 * installed classes) or {@value #COMBINED} (both, as a ComfyUI with ComfyUI-Manager has them);
 * query kind one of {@link SearchQueries.Kind}, lower case.
 *
 * <p>Stateless and thread-safe.
 */
public final class SearchCases {

  /** ComfyUI-Manager's {@code extension-node-map.json}: node types that may not be installed. */
  public static final String MANAGER_MAP = "manager-map";

  /** The live catalog, {@code /object_info}: installed node types. */
  public static final String OBJECT_INFO = "object-info";

  /** Both: the live catalog and ComfyUI-Manager's map, as a ComfyUI with the Manager has them. */
  public static final String COMBINED = "combined";

  /** Queries per benchmark; a run cycles through them. A power of two for a cheap index mask. */
  public static final int QUERY_COUNT = 1024;

  private SearchCases() {}

  /** The names queries are drawn from. */
  public static List<String> names(String catalog) {
    return switch (catalog) {
      case MANAGER_MAP -> BenchmarkData.extensionNodeTypes();
      case OBJECT_INFO -> BenchmarkData.catalogClasses().stream().map(NodeClassSpec::name).toList();
      case COMBINED -> {
        List<String> both = new ArrayList<>(names(MANAGER_MAP));
        both.addAll(names(OBJECT_INFO));
        yield List.copyOf(both);
      }
      default ->
          throw new IllegalArgumentException(
              "unknown catalog "
                  + catalog
                  + "; valid: "
                  + MANAGER_MAP
                  + ", "
                  + OBJECT_INFO
                  + ", "
                  + COMBINED);
    };
  }

  /**
   * {@value #QUERY_COUNT} queries of {@code kind} ({@code exact}, {@code fuzzy}, {@code mixed}...).
   */
  public static String[] queries(String catalog, String kind) {
    SearchQueries.Kind parsed = SearchQueries.Kind.valueOf(kind.toUpperCase(Locale.ROOT));
    return SearchQueries.of(names(catalog), parsed, QUERY_COUNT, BenchmarkData.SEED + 5);
  }
}
