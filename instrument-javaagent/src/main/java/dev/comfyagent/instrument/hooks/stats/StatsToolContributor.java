package dev.comfyagent.instrument.hooks.stats;

import dev.comfyagent.instrument.host.SdkTypes;
import dev.comfyagent.instrument.record.AgentHealth;
import dev.comfyagent.instrument.weave.SdkServerContributor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Adds the stats tool to each MCP SDK server as it is built: a tool specification of the server's
 * own SDK, answered by a {@link StatsToolHandler}, appended to the tools the server was given, and
 * the tools capability set when the server had none. A server that already has a tool of that name
 * keeps its own (reported once on stderr).
 *
 * <p>Thread-safe.
 */
final class StatsToolContributor implements SdkServerContributor {

  static final String TITLE = "Agent stats";
  static final String DESCRIPTION =
      "Read-only figures of the instrument-javaagent observing this server, since it started:"
          + " per tool calls, successes, errors and latency percentiles (p50/p95/p99/max in ms);"
          + " circuit breakers and rate limiters; active sessions; memory (cache sizes, open"
          + " sessions, undo history depth, heap); the last GPU sample; the agent's own health."
          + " Pass 'tool' to see one tool only.";

  private final String name;
  private final StatsReport report;
  private final AgentHealth health;
  private final AtomicBoolean clashReported = new AtomicBoolean();
  private final AtomicBoolean sdkReported = new AtomicBoolean();
  private final AtomicInteger servers = new AtomicInteger();

  StatsToolContributor(String name, StatsReport report, AgentHealth health) {
    this.name = name;
    this.report = report;
    this.health = health;
  }

  @Override
  public Object[] contribute(Class<?> featuresType, Object capabilities, Object tools) {
    Optional<SdkTypes> found = SdkTypes.of(featuresType);
    if (found.isEmpty()) {
      if (sdkReported.compareAndSet(false, true)) {
        AgentHealth.diagnostic(
            "this MCP SDK ("
                + featuresType.getName()
                + ") is not one the agent knows (0.8 to 2.x); "
                + name
                + " is not added to its servers");
      }
      return null;
    }
    if (tools != null && !(tools instanceof List<?>)) {
      return null;
    }
    SdkTypes sdk = found.get();
    List<?> given = tools == null ? List.of() : (List<?>) tools;
    List<String> names = new ArrayList<>(sdk.toolNames(given));
    if (names.contains(name)) {
      if (clashReported.compareAndSet(false, true)) {
        AgentHealth.diagnostic(
            "the MCP server has a tool named "
                + name
                + " already; the agent's stats tool is not added to it (stats.tool=<name> chooses"
                + " another name)");
      }
      return null;
    }
    names.add(name);
    try {
      Object tool = sdk.tool(name, TITLE, DESCRIPTION, inputSchema());
      Object specification =
          sdk.specification(tool, new StatsToolHandler(sdk, report, names, health));
      List<Object> extended = new ArrayList<>(given);
      extended.add(specification);
      servers.incrementAndGet();
      return new Object[] {sdk.withToolsCapability(capabilities), extended};
    } catch (Throwable e) {
      if (e instanceof VirtualMachineError error) {
        throw error;
      }
      health.internalError("adding " + name + " to an MCP server", e);
      return null;
    }
  }

  /** Servers the tool was added to. */
  int servers() {
    return servers.get();
  }

  /** {@code {"type":"object","properties":{"tool":{...}},"additionalProperties":false}}. */
  static Map<String, Object> inputSchema() {
    Map<String, Object> tool = new LinkedHashMap<>();
    tool.put("type", "string");
    tool.put(
        "description",
        "Only this tool's figures (its name as in tools/list); omit for every tool and the rest");
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put(StatsToolHandler.TOOL_ARGUMENT, tool);
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("type", "object");
    schema.put("properties", properties);
    schema.put("additionalProperties", Boolean.FALSE);
    return schema;
  }
}
