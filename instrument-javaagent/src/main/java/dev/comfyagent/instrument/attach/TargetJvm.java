package dev.comfyagent.instrument.attach;

import java.util.Map;
import java.util.Optional;

/**
 * A running JVM as the attach API shows it: its pid and display name (main class or jar, with
 * arguments), and — when it answered an attach — its system properties and JVM flags.
 *
 * @param pid the process id
 * @param displayName what {@code jps -l} would show: main class or jar path, then arguments
 * @param properties the target's system properties; empty when it was not asked or did not answer
 * @param jvmArguments the target's JVM flags ({@code sun.jvm.args}); empty when unknown
 * @param problem why the details are missing, or empty
 */
record TargetJvm(
    long pid,
    String displayName,
    Map<String, String> properties,
    String jvmArguments,
    Optional<String> problem) {

  /** See {@link AttachCommand#LOADED_PROPERTY}. */
  static final String LOADED_PROPERTY = AttachCommand.LOADED_PROPERTY;

  TargetJvm {
    properties = Map.copyOf(properties);
  }

  /** A JVM known only by its descriptor. */
  static TargetJvm listed(long pid, String displayName) {
    return new TargetJvm(pid, displayName, Map.of(), "", Optional.empty());
  }

  /** Whether its system properties were read. */
  boolean hasDetails() {
    return !properties.isEmpty();
  }

  /** The feature version of its Java (17, 21, ...), or empty when unknown. */
  Optional<Integer> javaFeatureVersion() {
    String specification = properties.get("java.specification.version");
    if (specification == null) {
      return Optional.empty();
    }
    String feature = specification.startsWith("1.") ? specification.substring(2) : specification;
    try {
      return Optional.of(Integer.parseInt(feature));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The Java version string, e.g. {@code 21.0.5}, or {@code ?}. */
  String javaVersion() {
    return properties.getOrDefault("java.version", "?");
  }

  /**
   * Whether instrument-javaagent already runs in it (its property is set, or -javaagent names it).
   */
  boolean agentLoaded() {
    return properties.containsKey(LOADED_PROPERTY)
        || jvmArguments.matches("(?s).*-javaagent:\\S*instrument-javaagent.*");
  }

  /** Whether JVM flags include the given one, e.g. {@code -XX:+EnableDynamicAgentLoading}. */
  boolean hasFlag(String flag) {
    for (String argument : jvmArguments.split("\\s+")) {
      if (argument.equals(flag)) {
        return true;
      }
    }
    return false;
  }
}
