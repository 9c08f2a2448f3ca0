package dev.comfyagent.weavefixtures;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolResult;

/**
 * A runtime tool that is one only through its superclass: to match it, the weaver has to read
 * {@link ToolBase}'s class file (the weave cache tests).
 */
public final class InheritingTool extends ToolBase {

  @Override
  public String name() {
    return "inheriting";
  }

  @Override
  public ToolResult call(ObjectNode arguments, ToolContext context) {
    return ToolResult.text("ok");
  }
}
