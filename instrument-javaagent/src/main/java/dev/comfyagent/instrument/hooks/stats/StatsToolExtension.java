package dev.comfyagent.instrument.hooks.stats;

import dev.comfyagent.instrument.AgentContext;
import dev.comfyagent.instrument.AgentExtension;
import dev.comfyagent.instrument.attach.AttachCommand;
import dev.comfyagent.instrument.config.ConfigException;
import dev.comfyagent.instrument.weave.SdkServerFeaturesWeave;
import java.util.regex.Pattern;

/**
 * Installs the stats tool ({@code get_agent_stats}, or the name given by {@code stats.tool}; {@code
 * stats.tool=off} leaves servers as they are): added to every MCP Java SDK server built after the
 * agent started ({@link SdkServerFeaturesWeave}), answering with the figures of {@link
 * StatsReport}. A server built before the agent was attached keeps the tool list it has.
 */
public final class StatsToolExtension implements AgentExtension {

  /** The {@code stats.tool} value that turns the tool off. */
  public static final String OFF = "off";

  private static final Pattern TOOL_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  @Override
  public String name() {
    return "stats tool";
  }

  @Override
  public void install(AgentContext agent) throws ConfigException {
    String name = agent.config().statsTool().trim();
    if (name.equalsIgnoreCase(OFF)) {
      return;
    }
    if (!TOOL_NAME.matcher(name).matches()) {
      throw new ConfigException(
          "option stats.tool="
              + name
              + " ("
              + agent.config().origin("stats.tool")
              + ") is not a tool name: 1 to 64 letters, digits, '_', '-' or '.', or off",
          agent.config().strict());
    }
    StatsReport report =
        new StatsReport(
            agent.stats(),
            agent.outputDir(),
            () -> System.getProperty(AttachCommand.LOADED_PROPERTY, "unknown"));
    agent.addSdkServerContributor(new StatsToolContributor(name, report, agent.health()));
    agent.addWeaveTarget(new SdkServerFeaturesWeave());
  }
}
