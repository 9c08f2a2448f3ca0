package dev.comfyagent.runtime.discover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.comfyagent.runtime.discover.NodeMatch.Installation;
import java.util.Locale;

/**
 * How the DISCOVER tools write node types and packs, as text for the assistant and as structured
 * JSON, so that every tool says the same thing the same way.
 */
final class DiscoverText {

  static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private DiscoverText() {}

  /** {@code installed}, {@code not installed} or {@code installed status unknown}. */
  static String installation(Installation installation) {
    return switch (installation) {
      case INSTALLED -> "installed";
      case NOT_INSTALLED -> "not installed";
      case UNKNOWN -> "installed status unknown";
    };
  }

  static JsonNode installedJson(Installation installation) {
    return switch (installation) {
      case INSTALLED -> JSON.booleanNode(true);
      case NOT_INSTALLED -> JSON.booleanNode(false);
      case UNKNOWN -> JSON.nullNode();
    };
  }

  static String tier(NodeMatch.Tier tier) {
    return tier.name().toLowerCase(Locale.ROOT);
  }

  /** Where a node's code lives, from its {@code python_module}. */
  static String origin(String pythonModule) {
    if (pythonModule.isEmpty()) {
      return "";
    }
    if (pythonModule.startsWith("custom_nodes.")) {
      String rest = pythonModule.substring("custom_nodes.".length());
      int dot = rest.indexOf('.');
      return "custom node pack " + (dot > 0 ? rest.substring(0, dot) : rest);
    }
    return "built into ComfyUI (" + pythonModule + ")";
  }

  /** The first sentence or line of a text, at most {@code max} characters. */
  static String firstSentence(String text, int max) {
    String t = text.strip();
    int end = t.length();
    int newline = t.indexOf('\n');
    if (newline >= 0) {
      end = newline;
    }
    int period = t.indexOf(". ");
    if (period >= 0 && period + 1 < end) {
      end = period + 1;
    }
    return shorten(t.substring(0, end).strip(), max);
  }

  static String shorten(String text, int max) {
    return text.length() <= max ? text : text.substring(0, Math.max(0, max - 3)) + "...";
  }
}
