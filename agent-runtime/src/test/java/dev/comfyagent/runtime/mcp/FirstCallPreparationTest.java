package dev.comfyagent.runtime.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.tool.InputSchema;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolRegistry;
import dev.comfyagent.runtime.tool.ToolResult;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FirstCallPreparationTest {

  private final ObjectMapper json = new ObjectMapper();
  private final AtomicInteger toolCalls = new AtomicInteger();
  private final List<Map<String, Object>> checkedSchemas = new CopyOnWriteArrayList<>();

  private final JsonSchemaValidator countingValidator =
      new JsonSchemaValidator() {
        @Override
        public ValidationResponse validate(Map<String, Object> schema, Object content) {
          checkedSchemas.add(schema);
          return ValidationResponse.asValid(null);
        }

        @Override
        public ValidationResponse validateSchema(Map<String, Object> schema) {
          return ValidationResponse.asValid(null);
        }
      };

  @Test
  void checksEveryToolsSchemaOnceAndCallsNoTool() {
    McpToolAdapter adapter = new McpToolAdapter(json, countingValidator);
    List<SyncToolSpecification> tools = adapter.specifications(registry("first", "second"));

    FirstCallPreparation.run(new JacksonMcpJsonMapper(json), adapter, tools);

    assertThat(checkedSchemas)
        .containsExactly(tools.get(0).tool().inputSchema(), tools.get(1).tool().inputSchema());
    assertThat(toolCalls).hasValue(0);
  }

  @Test
  void aFailureChangesNothingAndIsNotThrown() {
    JsonSchemaValidator broken =
        new JsonSchemaValidator() {
          @Override
          public ValidationResponse validate(Map<String, Object> schema, Object content) {
            throw new LinkageError("no schema library");
          }

          @Override
          public ValidationResponse validateSchema(Map<String, Object> schema) {
            throw new LinkageError("no schema library");
          }
        };
    McpToolAdapter adapter = new McpToolAdapter(json, broken);

    FirstCallPreparation.run(
        new JacksonMcpJsonMapper(json), adapter, adapter.specifications(registry("only")));

    assertThat(toolCalls).hasValue(0);
  }

  @Test
  void runsOnANamedDaemonThread() throws InterruptedException {
    McpToolAdapter adapter = new McpToolAdapter(json, countingValidator);

    Thread thread =
        FirstCallPreparation.start(
            new JacksonMcpJsonMapper(json), adapter, adapter.specifications(registry("one")));
    thread.join(30_000);

    assertThat(thread.getName()).isEqualTo(FirstCallPreparation.THREAD);
    assertThat(thread.isDaemon()).isTrue();
    assertThat(checkedSchemas).hasSize(1);
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
