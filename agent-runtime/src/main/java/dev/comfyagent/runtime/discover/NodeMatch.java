package dev.comfyagent.runtime.discover;

import java.util.List;
import java.util.Optional;

/**
 * One answer of a node search.
 *
 * @param classType the node's class name ({@code class_type} in workflows)
 * @param displayName the name ComfyUI shows; the class name when the node is not installed
 * @param category ComfyUI's menu category, empty when not installed
 * @param description what the node does, empty when unknown
 * @param installation whether the connected ComfyUI has it
 * @param packs the ComfyUI-Manager packs that provide it (the preferred one first), possibly empty
 * @param tier how the query matched
 * @param score the rank within the tier, higher is better (comparable within one search only)
 * @param definition the live catalog's definition when installed
 */
public record NodeMatch(
    String classType,
    String displayName,
    String category,
    String description,
    Installation installation,
    List<NodePack> packs,
    Tier tier,
    int score,
    Optional<NodeDefinition> definition) {

  public NodeMatch {
    packs = List.copyOf(packs);
  }

  /** Whether the connected ComfyUI has the node type. */
  public enum Installation {
    INSTALLED,
    NOT_INSTALLED,
    /** ComfyUI could not be asked; the node is known from ComfyUI-Manager's map only. */
    UNKNOWN
  }

  /** How a query matched, best first: results are ordered by tier, then by score. */
  public enum Tier {
    /** The query is the class name or display name (ignoring case, spaces and punctuation). */
    EXACT,
    /** The class name or display name starts with the query. */
    PREFIX,
    /** Every word of the query is a word (or the start of one) of the name, category, pack... */
    TOKEN,
    /** Some words only match with a typo allowed, or only some words match. */
    FUZZY
  }
}
