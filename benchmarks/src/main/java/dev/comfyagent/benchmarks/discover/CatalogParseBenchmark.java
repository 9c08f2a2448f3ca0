package dev.comfyagent.benchmarks.discover;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comfyagent.benchmarks.data.BenchmarkData;
import dev.comfyagent.runtime.discover.ManagerNodeMap;
import dev.comfyagent.runtime.discover.NodeDefinitions;
import dev.comfyagent.runtime.discover.NodeSearchIndex;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a catalog refresh costs once the bytes are in, paid by the first tool call after ComfyUI's
 * node list or ComfyUI-Manager's map changed: a 2,000-class {@code /object_info} answer parsed into
 * {@link NodeDefinitions}; the 40,000-entry {@code extension-node-map.json} parsed into a {@link
 * ManagerNodeMap} (Jackson's streaming parser straight into the map's compact tables); the search
 * index built over both ({@link NodeSearchIndex#build}), which {@code search_nodes} does once per
 * catalog version; and both together, the work the runtime's background preparation does at start
 * once the live catalog is in (warm here: a fresh JVM takes many times longer).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class CatalogParseBenchmark {

  private final ObjectMapper mapper = new ObjectMapper();
  private String objectInfo;
  private byte[] extensionNodeMap;
  private NodeDefinitions definitions;
  private ManagerNodeMap managerMap;

  @Setup
  public void setUp() throws IOException {
    objectInfo = BenchmarkData.objectInfoText();
    extensionNodeMap = BenchmarkData.extensionNodeMapText().getBytes(StandardCharsets.UTF_8);
    definitions = objectInfoToDefinitions();
    managerMap = extensionNodeMapToManagerMap();
  }

  /** {@code GET /object_info}'s body to the runtime's node definitions. */
  @Benchmark
  public NodeDefinitions objectInfoToDefinitions() throws IOException {
    return NodeDefinitions.parse(mapper.readTree(objectInfo));
  }

  /** {@code extension-node-map.json} to ComfyUI-Manager's map of packs and node types. */
  @Benchmark
  public ManagerNodeMap extensionNodeMapToManagerMap() throws IOException {
    return ManagerNodeMap.parse(new ByteArrayInputStream(extensionNodeMap), null);
  }

  /** The search index over the 2,000 installed classes and the Manager's 40,000 node types. */
  @Benchmark
  public NodeSearchIndex searchIndexBuild() {
    return NodeSearchIndex.build(definitions, managerMap);
  }

  /** The map's bytes to a search index over it and the installed classes: parse, then build. */
  @Benchmark
  public NodeSearchIndex extensionNodeMapToSearchIndex() throws IOException {
    return NodeSearchIndex.build(definitions, extensionNodeMapToManagerMap());
  }
}
