package dev.comfyagent.benchmarks.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The benchmarks' data sets, generated once per JVM from fixed seeds: the same bytes in every fork
 * of every run, so results compare across runs and machines.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * ObjectNode map = BenchmarkData.extensionNodeMap();   // 5,600 packs, 40,000 node types
 * ObjectNode info = BenchmarkData.objectInfo();        // 2,000 node types
 * ObjectNode graph = BenchmarkData.largeGraph();       // 500 nodes, valid against objectInfo()
 * }</pre>
 *
 * <p>From the command line the same data is written to files, to look at or to feed a runtime:
 * {@code java -cp benchmarks.jar dev.comfyagent.benchmarks.data.BenchmarkData target/data}.
 *
 * <p>Thread-safe; each data set is generated on first use. Methods returning JSON return a fresh
 * copy the caller may change.
 */
public final class BenchmarkData {

  /** The seed all data sets derive from. Changing it invalidates the committed baseline. */
  public static final long SEED = 20_261_125L;

  /** Nodes in the large generated workflow. */
  public static final int LARGE_GRAPH_NODES = 500;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private BenchmarkData() {}

  /** ComfyUI-Manager's {@code extension-node-map.json}, real size. */
  public static ObjectNode extensionNodeMap() {
    return ManagerMap.JSON.deepCopy();
  }

  /** {@link #extensionNodeMap()} as the file's text. */
  public static String extensionNodeMapText() {
    return ManagerMap.TEXT;
  }

  /** Every node type name of {@link #extensionNodeMap()}, one per pack entry, in file order. */
  public static List<String> extensionNodeTypes() {
    return ManagerMap.NODE_TYPES;
  }

  /** The node types behind {@link #objectInfo()}. */
  public static List<NodeClassSpec> catalogClasses() {
    return Catalog.CLASSES;
  }

  /** A 2,000-class {@code /object_info} answer. */
  public static ObjectNode objectInfo() {
    return Catalog.JSON.deepCopy();
  }

  /** {@link #objectInfo()} as the response body's text. */
  public static String objectInfoText() {
    return Catalog.TEXT;
  }

  /** A generated 500-node API-format workflow, valid against {@link #objectInfo()}. */
  public static ObjectNode largeGraph() {
    return LargeGraph.JSON.deepCopy();
  }

  /** {@link #largeGraph()} as a file's text. */
  public static String largeGraphText() {
    return LargeGraph.TEXT;
  }

  /** A one-{@code replace} patch for {@link #largeGraph()}. */
  public static ArrayNode largeGraphNewLiteral() {
    return WorkflowPatches.newLiteral(LargeGraph.JSON, Catalog.CLASSES, SEED + 3);
  }

  /** A 20-operation patch for {@link #largeGraph()}. */
  public static ArrayNode largeGraphTwentyOps() {
    return WorkflowPatches.twentyOps(LargeGraph.JSON, Catalog.CLASSES, SEED + 4);
  }

  /** Writes every data set into {@code args[0]} (default {@code target/benchmark-data}). */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "target/benchmark-data");
    Files.createDirectories(dir);
    ObjectMapper pretty = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    Map<String, Object> files =
        Map.of(
            "extension-node-map.json", extensionNodeMap(),
            "object_info.json", objectInfo(),
            "sdxl-base-refiner.api.json", SdxlWorkflow.json(),
            "graph-500.api.json", largeGraph(),
            "patch-sdxl-20-ops.json", WorkflowPatches.sdxlTwentyOps(),
            "patch-graph-500-20-ops.json", largeGraphTwentyOps());
    for (Map.Entry<String, Object> file : files.entrySet()) {
      pretty.writeValue(dir.resolve(file.getKey()).toFile(), file.getValue());
    }
    System.err.println("wrote " + files.size() + " data sets to " + dir.toAbsolutePath());
  }

  private static String write(ObjectNode json) {
    try {
      return MAPPER.writeValueAsString(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final class ManagerMap {
    static final ObjectNode JSON = ExtensionNodeMapGenerator.generate(SEED);
    static final String TEXT = write(JSON);
    static final List<String> NODE_TYPES = nodeTypes(JSON);

    private static List<String> nodeTypes(ObjectNode map) {
      List<String> types = new ArrayList<>(ExtensionNodeMapGenerator.NODE_TYPES);
      for (Map.Entry<String, JsonNode> pack : map.properties()) {
        pack.getValue().get(0).forEach(t -> types.add(t.asText()));
      }
      return List.copyOf(types);
    }
  }

  private static final class Catalog {
    static final List<NodeClassSpec> CLASSES = List.copyOf(ObjectInfoGenerator.classes(SEED + 1));
    static final ObjectNode JSON = ObjectInfoGenerator.objectInfo(CLASSES);
    static final String TEXT = write(JSON);
  }

  private static final class LargeGraph {
    static final ObjectNode JSON =
        ApiGraphGenerator.generate(Catalog.CLASSES, LARGE_GRAPH_NODES, SEED + 2);
    static final String TEXT = write(JSON);
  }
}
