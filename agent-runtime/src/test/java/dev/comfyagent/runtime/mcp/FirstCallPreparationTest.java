package dev.comfyagent.runtime.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.tool.InputSchema;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolRegistry;
import dev.comfyagent.runtime.tool.ToolResult;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FirstCallPreparationTest {

  private final ObjectMapper json = new ObjectMapper();
  private final AtomicInteger toolCalls = new AtomicInteger();

  @Test
  void convertsAResultWithStructuredContentAndCallsNoTool() throws Exception {
    McpToolAdapter adapter = new McpToolAdapter(json, true);
    List<SyncToolSpecification> tools = adapter.specifications(registry("first", "second"));
    CallToolRequest request =
        new CallToolRequest("first", Map.of("text", "x", "number", 1, "flag", true));

    CallToolResult result = adapter.prepareFirstCall(tools, request);

    assertThat(result.isError()).isFalse();
    assertThat(result.structuredContent()).isNotNull();
    assertThat(toolCalls).hasValue(0);
    FirstCallPreparation.run(new JacksonMcpJsonMapper(json), adapter, tools);
    assertThat(toolCalls).hasValue(0);
  }

  @Test
  void aFailureIsLoggedNotThrown() {
    List<SyncToolSpecification> tools =
        new McpToolAdapter(json, true).specifications(registry("only"));

    assertThatCode(() -> FirstCallPreparation.run(new JacksonMcpJsonMapper(json), null, tools))
        .doesNotThrowAnyException();
    assertThat(toolCalls).hasValue(0);
  }

  @Test
  void runsOnANamedDaemonThread() throws InterruptedException {
    McpToolAdapter adapter = new McpToolAdapter(json, true);

    Thread thread =
        FirstCallPreparation.start(
            new JacksonMcpJsonMapper(json), adapter, adapter.specifications(registry("one")));
    thread.join(30_000);

    assertThat(thread.getName()).isEqualTo(FirstCallPreparation.THREAD);
    assertThat(thread.isDaemon()).isTrue();
    assertThat(thread.isAlive()).isFalse();
    assertThat(toolCalls).hasValue(0);
  }

  private ToolRegistry registry(String... names) {
    ToolRegistry registry = new ToolRegistry();
    for (String name : names) {
      registry.register(new CountingTool(name));
    }
    return registry;
  }

  /** A tool that counts its calls: the preparation must make none. */
  private final class CountingTool implements Tool {
    private final String name;

    CountingTool(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String description() {
      return "counts";
    }

    @Override
    public ObjectNode inputSchema() {
      return InputSchema.object().requiredString("text", "anything").build();
    }

    @Override
    public ToolResult call(ObjectNode arguments, ToolContext context) {
      toolCalls.incrementAndGet();
      return ToolResult.text("called");
    }
  }
}
