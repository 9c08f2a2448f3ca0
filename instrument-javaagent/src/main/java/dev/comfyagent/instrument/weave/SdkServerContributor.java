package dev.comfyagent.instrument.weave;

/**
 * Adds to an MCP SDK server while it is being built: sees the capabilities and tool specifications
 * given to the SDK's features record ({@code McpServerFeatures.Async} or {@code
 * McpStatelessServerFeatures.Async}) and may return new ones (the agent's {@code get_agent_stats}
 * tool). See {@link SdkServerFeaturesWeave}.
 *
 * <p>Called on the thread that builds the server; must not throw.
 */
@FunctionalInterface
public interface SdkServerContributor {

  /**
   * @param featuresType the features record class (its loader sees the SDK the server uses)
   * @param capabilities the {@code McpSchema.ServerCapabilities} given, or {@code null}
   * @param tools the {@code List} of tool specifications given, or {@code null}
   * @return {@code null} to change nothing, else {@code {capabilities, tools}} of the same types
   */
  Object[] contribute(Class<?> featuresType, Object capabilities, Object tools);
}
