package dev.comfyagent.instrument.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolResult;
import dev.comfyagent.weavefixtures.FixtureTool;
import dev.comfyagent.weavefixtures.ToolBase;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * The host reader answers each class by its own methods however many classes it meets: more than an
 * inline cache links, public and private ones, results that report {@code isError} as {@code
 * boolean}, as {@code Boolean} or not at all.
 */
class HostReadsPastTheInlineCachesTest {

  private final MethodHandleHostReader host = new MethodHandleHostReader();

  @Test
  void everyToolClassIsReadByItsOwnName() {
    List<Tool> tools = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      String name = "tool_" + i;
      // three classes: one implementing the runtime's interface itself, one public, one anonymous
      tools.add(
          switch (i % 3) {
            case 0 -> new FixtureTool(name);
            case 1 -> new PublicTool(name);
            default -> new PublicTool(name) {};
          });
    }
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < tools.size(); i++) {
        Tool tool = tools.get(i);
        assertThat(host.toolName(tool, tool.getClass())).isEqualTo("tool_" + i);
      }
    }
    assertThat(host.toolName(new Object(), Object.class)).isEqualTo("Object");
  }

  @Test
  void isErrorIsReadFromEveryKindOfResult() {
    for (int round = 0; round < 3; round++) {
      assertThat(host.isErrorResult(ToolResult.error("no"))).isTrue();
      assertThat(host.isErrorResult(ToolResult.text("ok"))).isFalse();
      assertThat(host.isErrorResult(McpSchema.CallToolResult.builder().isError(true).build()))
          .isTrue();
      assertThat(host.isErrorResult(McpSchema.CallToolResult.builder().build())).isFalse();
      assertThat(host.isErrorResult(new BoxedError(Boolean.TRUE))).isTrue();
      assertThat(host.isErrorResult(new BoxedError(null))).isFalse();
      assertThat(host.isErrorResult("no isError at all")).isFalse();
      assertThat(host.isErrorResult(Map.of())).isFalse();
      assertThat(host.isErrorResult(null)).isFalse();
    }
  }

  @Test
  void theMdcIsReadForClassesOfEveryLoader() {
    MDC.put("correlation_id", "from-the-mdc");
    try {
      assertThat(host.mdcCorrelationId(HostReadsPastTheInlineCachesTest.class))
          .isEqualTo("from-the-mdc");
      assertThat(host.mdcCorrelationId(PublicTool.class)).isEqualTo("from-the-mdc");
      assertThat(host.mdcCorrelationId(String.class)).as("the boot loader sees no SLF4J").isNull();
      assertThat(host.mdcCorrelationId(null)).isNull();
    } finally {
      MDC.remove("correlation_id");
    }
    assertThat(host.mdcCorrelationId(PublicTool.class)).isNull();
  }

  /** A public tool class, subclassed anonymously. */
  public static class PublicTool extends ToolBase {
    private final String name;

    PublicTool(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public ToolResult call(ObjectNode arguments, ToolContext context) {
      return null;
    }
  }

  /** A result that reports failure as a {@code Boolean}. */
  public record BoxedError(Boolean isError) {}
}
