package dev.comfyagent.benchmarks.discover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comfyagent.benchmarks.data.BenchmarkData;
import dev.comfyagent.runtime.discover.NodeDefinitions;
import java.io.IOException;
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
 * What a catalog refresh costs once the bytes are in: a 2,000-class {@code /object_info} answer
 * parsed into {@link NodeDefinitions}, and ComfyUI-Manager's 40,000-entry {@code
 * extension-node-map.json} parsed by Jackson (building the Manager map index on top is {@code
 * NodeSearchBenchmark}'s setup, pending the discover package).
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
  private String extensionNodeMap;

  @Setup
  public void setUp() {
    objectInfo = BenchmarkData.objectInfoText();
    extensionNodeMap = BenchmarkData.extensionNodeMapText();
  }

  /** {@code GET /object_info}'s body to the runtime's node definitions. */
  @Benchmark
  public NodeDefinitions objectInfoToDefinitions() throws IOException {
    return NodeDefinitions.parse(mapper.readTree(objectInfo));
  }

  /** {@code extension-node-map.json} to a JSON tree. */
  @Benchmark
  public JsonNode extensionNodeMapToTree() throws IOException {
    return mapper.readTree(extensionNodeMap);
  }
}
