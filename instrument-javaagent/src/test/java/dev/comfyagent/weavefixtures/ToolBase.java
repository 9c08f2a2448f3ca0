package dev.comfyagent.weavefixtures;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.tool.Tool;

/** The superclass that makes {@link InheritingTool} a runtime tool. */
public abstract class ToolBase implements Tool {

  @Override
  public String description() {
    return "inherits Tool";
  }

  @Override
  public ObjectNode inputSchema() {
    return null;
  }
}
