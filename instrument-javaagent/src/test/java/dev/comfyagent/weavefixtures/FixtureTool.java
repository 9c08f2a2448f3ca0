package dev.comfyagent.weavefixtures;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolException;
import dev.comfyagent.runtime.tool.ToolResult;

/** A runtime tool woven by the in-process weaving tests (outside the agent's ignored packages). */
public final class FixtureTool implements Tool {

  private final String name;

  public FixtureTool(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String description() {
    return "fixture";
  }

  @Override
  public ObjectNode inputSchema() {
    return null;
  }

  @Override
  public ToolResult call(ObjectNode arguments, ToolContext context) {
    if (arguments.path("throw").asBoolean()) {
      throw new ToolException("asked to throw");
    }
    if (arguments.path("fail").asBoolean()) {
      return ToolResult.error("asked to fail");
    }
    new Renderer().render("inner", 2);
    return ToolResult.text("ok");
  }
}
