package dev.comfyagent.benchmarks.discover;

import dev.comfyagent.benchmarks.data.BenchmarkData;
import dev.comfyagent.runtime.discover.ManagerNodeMap;
import dev.comfyagent.runtime.discover.NodeCatalog;
import dev.comfyagent.runtime.discover.NodeDefinitions;
import dev.comfyagent.runtime.discover.NodeSearch;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 * {@code search_nodes}: one ranked search (exact &gt; prefix &gt; token &gt; fuzzy), the 20 best
 * hits, through {@link NodeSearch} as the tool calls it. Sample time, so the result carries p50,
 * p99 and p99.9; target: p99 at most 1 ms over ComfyUI-Manager's 40,000 node types.
 *
 * <p>Catalogs ({@link SearchCases}): {@value SearchCases#MANAGER_MAP}: ComfyUI-Manager's {@code
 * extension-node-map.json} (40,000 node types in 5,600 packs) with nothing installed; {@value
 * SearchCases#OBJECT_INFO}: the live 2,000-class {@code /object_info} and no Manager map; {@value
 * SearchCases#COMBINED}: both, as on a ComfyUI with the Manager. Queries cycle through 1,024 of one
 * kind drawn from the catalog's own names: {@code exact} names, {@code fuzzy} words with a typo,
 * {@code miss} words that match nothing, and {@code mixed} (those and prefixes and words, in turn).
 *
 * <p>The index is built in setup, as the runtime builds it once per catalog version; building it is
 * not measured here.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class NodeSearchBenchmark {

  /** Hits per search: {@code search_nodes}' default limit. */
  static final int LIMIT = 20;

  @Param({SearchCases.MANAGER_MAP, SearchCases.OBJECT_INFO, SearchCases.COMBINED})
  public String catalog;

  @Param({"mixed", "exact", "fuzzy", "miss"})
  public String queries;

  private NodeSearch search;
  private String[] queryList;
  private int next;

  @Setup
  public void setUp() throws IOException {
    queryList = SearchCases.queries(catalog, queries);
    search = searchOver(catalog);
    NodeSearch.Answer warm = search.search(queryList[0], LIMIT, false, false);
    int expected =
        switch (catalog) {
          case SearchCases.MANAGER_MAP -> BenchmarkData.extensionNodeTypes().size();
          case SearchCases.OBJECT_INFO -> BenchmarkData.catalogClasses().size();
          default ->
              BenchmarkData.extensionNodeTypes().size() + BenchmarkData.catalogClasses().size();
        };
    // The Manager map repeats some node types across packs; the index holds each once.
    if (warm.index().size() < expected * 9 / 10) {
      throw new IllegalStateException(
          catalog
              + ": the index holds "
              + warm.index().size()
              + " node types, expected ~"
              + expected);
    }
  }

  /** The search the tool makes over {@code catalog}; its index is built on first use. */
  static NodeSearch searchOver(String catalog) throws IOException {
    return switch (catalog) {
      case SearchCases.MANAGER_MAP ->
          new NodeSearch(NodeCatalog.fixed(NodeDefinitions.empty()), managerMap());
      case SearchCases.OBJECT_INFO ->
          new NodeSearch(
              NodeCatalog.fixed(NodeDefinitions.parse(BenchmarkData.objectInfo())),
              ManagerNodeMap.none("benchmark: live catalog only"));
      case SearchCases.COMBINED ->
          new NodeSearch(
              NodeCatalog.fixed(NodeDefinitions.parse(BenchmarkData.objectInfo())), managerMap());
      default -> throw new IllegalArgumentException("unknown catalog " + catalog);
    };
  }

  private static ManagerNodeMap managerMap() throws IOException {
    byte[] map = BenchmarkData.extensionNodeMapText().getBytes(StandardCharsets.UTF_8);
    return ManagerNodeMap.parse(new ByteArrayInputStream(map), null);
  }

  /** One query, the 20 best hits, as {@code search_nodes} asks by default. */
  @Benchmark
  public NodeSearch.Answer search() {
    String query = queryList[next++ & (SearchCases.QUERY_COUNT - 1)];
    return search.search(query, LIMIT, false, false);
  }
}
