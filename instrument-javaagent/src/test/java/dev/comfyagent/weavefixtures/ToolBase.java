package dev.comfyagent.weavefixtures;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.tool.Tool;

/**
 * A superclass that makes runtime tools of its subclasses ({@link InheritingTool}, the host-read
 * tests' tools).
 */
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
