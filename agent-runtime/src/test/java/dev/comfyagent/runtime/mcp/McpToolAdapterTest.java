package dev.comfyagent.runtime.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.tool.InputSchema;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolResult;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class McpToolAdapterTest {

  private final McpToolAdapter adapter = new McpToolAdapter(new ObjectMapper(), true);
  private final AtomicReference<String> seen = new AtomicReference<>();
  private final AtomicReference<ToolContext> context = new AtomicReference<>();

  @AfterEach
  void clearMdc() {
    MDC.clear();
  }

  @Test
  void restoresTheMdcTheThreadHadBefore() {
    MDC.put(CorrelationIds.KEY, "outer");

    call(Map.of("correlation_id", "inner"), Map.of("text", "x"));

    assertThat(seen.get()).isEqualTo("inner");
    assertThat(MDC.get(CorrelationIds.KEY)).isEqualTo("outer");
    assertThat(MDC.get(McpToolAdapter.TOOL_KEY)).isNull();
  }

  @Test
  void leavesNoMdcBehindOnAPoolThread() {
    call(null, Map.of("text", "x"));

    assertThat(seen.get()).matches("[0-9a-f]{32}");
    assertThat(MDC.get(CorrelationIds.KEY)).isNull();
  }

  @Test
  void passesStructuredContentAndTheCorrelationId() {
    CallToolResult result = call(Map.of("correlation_id", "c-9"), Map.of("text", "x"));

    assertThat(result.isError()).isFalse();
    assertThat(((TextContent) result.content().get(0)).text()).isEqualTo("x");
    assertThat(result.structuredContent()).isEqualTo(Map.of("echo", "x"));
    assertThat(result.meta()).containsEntry(CorrelationIds.KEY, "c-9");
  }

  @Test
  void givesToolsAContextWithoutProgressWhenNoTokenWasSent() {
    call(null, Map.of("text", "x"));

    assertThat(context.get().progressRequested()).isFalse();
    assertThat(context.get().connectionId()).isEqualTo("stdio");
    context.get().progress(1, 2.0, "does nothing without a token");
  }

  @Test
  void sendsNoArgumentsAsAnEmptyObject() {
    // A tool without required arguments, so that the schema check lets the call through.
    AtomicReference<ObjectNode> received = new AtomicReference<>();
    Tool noArguments =
        new EchoTool() {
          @Override
          public ObjectNode inputSchema() {
            return InputSchema.object().build();
          }

          @Override
          public ToolResult call(ObjectNode arguments, ToolContext toolContext) {
            received.set(arguments);
            return ToolResult.text("ran");
          }
        };

    CallToolResult result =
        adapter
            .specification(noArguments)
            .callHandler()
            .apply(null, new CallToolRequest("echo", null, null));

    assertThat(result.isError()).isFalse();
    assertThat(received.get()).isNotNull();
    assertThat(received.get().isEmpty()).isTrue();
  }

  @Test
  void refusesMissingRequiredArgumentsBeforeTheToolRuns() {
    CallToolResult result = call(null, null);

    assertThat(result.isError()).isTrue();
    assertThat(((TextContent) result.content().get(0)).text()).contains("text");
    assertThat(context.get()).isNull();
  }

  @Test
  void describesTheToolToClientsWithItsSchema() {
    SyncToolSpecification spec = adapter.specification(new EchoTool());

    assertThat(spec.tool().name()).isEqualTo("echo");
    assertThat(spec.tool().inputSchema()).containsEntry("required", java.util.List.of("text"));
    assertThat(spec.tool().annotations().readOnlyHint()).isTrue();
  }

  private CallToolResult call(Map<String, Object> meta, Map<String, Object> arguments) {
    SyncToolSpecification spec = adapter.specification(new EchoTool());
    CallToolRequest request = new CallToolRequest("echo", arguments, meta);
    return spec.callHandler().apply(null, request);
  }

  private class EchoTool implements Tool {
    @Override
    public String name() {
      return "echo";
    }

    @Override
    public String description() {
      return "Echoes.";
    }

    @Override
    public ObjectNode inputSchema() {
      return InputSchema.object().requiredString("text", "text").build();
    }

    @Override
    public boolean readOnly() {
      return true;
    }

    @Override
    public ToolResult call(ObjectNode arguments, ToolContext toolContext) {
      seen.set(MDC.get(CorrelationIds.KEY));
      context.set(toolContext);
      String text = arguments.path("text").asText();
      return ToolResult.of(text, JsonNodeFactory.instance.objectNode().put("echo", text));
    }
  }
}
