package dev.comfyagent.benchmarks.overhead;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.tool.InputSchema;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolResult;

/**
 * A runtime {@link Tool} that does next to nothing: it reads one argument and answers a result
 * built once. Everything a benchmark measures around its {@link #call} is the caller's cost, or an
 * agent's that wove the call.
 *
 * <p>It implements the runtime's published tool interface, so the instrument-javaagent weaves it
 * exactly as it weaves the runtime's own tools; it allocates nothing, so any bytes per call a
 * profiler reports come from instrumentation.
 *
 * <p>Thread-safe and immutable.
 */
public final class ConstantResultTool implements Tool {

  /** The tool's name, as an agent reports it. */
  public static final String NAME = "benchmark_constant_result";

  private static final ToolResult FOUND = ToolResult.text("node 3 has input seed");
  private static final ToolResult NOT_FOUND = ToolResult.error("node_id is missing");

  private final ObjectNode schema =
      InputSchema.object()
          .requiredString("node_id", "Id of a node in the current workflow")
          .requiredString("input", "Name of one of the node's inputs")
          .optionalAny("value", "The input's new value")
          .build();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "Answers a constant result; used to measure the cost of calling a tool.";
  }

  @Override
  public ObjectNode inputSchema() {
    return schema;
  }

  @Override
  public boolean readOnly() {
    return true;
  }

  @Override
  public ToolResult call(ObjectNode arguments, ToolContext context) {
    return arguments.hasNonNull("node_id") ? FOUND : NOT_FOUND;
  }
}
