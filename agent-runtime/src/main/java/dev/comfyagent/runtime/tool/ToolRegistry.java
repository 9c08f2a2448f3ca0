package dev.comfyagent.runtime.tool;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one place where the runtime's tools are registered. The MCP layer ({@code
 * dev.comfyagent.runtime.mcp}) adapts every registered tool to the SDK; nothing else needs to know
 * the list.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * ToolRegistry registry = new ToolRegistry();
 * registry.register(new LoadWorkflowTool(workspaces, catalog, roots));
 * registry.find("load_workflow").orElseThrow();
 * }</pre>
 *
 * <p>Registration happens once, before the server starts; lookups are then safe from any thread.
 */
public final class ToolRegistry {

  private static final Pattern TOOL_NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");

  private final Map<String, Tool> tools = new LinkedHashMap<>();

  /**
   * Adds a tool.
   *
   * @throws IllegalArgumentException when the name is not lower snake case or is already taken
   */
  public ToolRegistry register(Tool tool) {
    String name = tool.name();
    if (!TOOL_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("tool name must be lower snake case: " + name);
    }
    if (tools.putIfAbsent(name, tool) != null) {
      throw new IllegalArgumentException("tool " + name + " is registered twice");
    }
    return this;
  }

  /** The tool of that name, if registered. */
  public Optional<Tool> find(String name) {
    return Optional.ofNullable(tools.get(name));
  }

  /** All tools, in registration order. */
  public Collection<Tool> all() {
    return Collections.unmodifiableCollection(tools.values());
  }

  public int size() {
    return tools.size();
  }
}
