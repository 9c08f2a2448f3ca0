package dev.comfyagent.runtime.workflow;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Whether an output of one type may feed an input of another, as ComfyUI decides it: equal types
 * match; {@code *} on either side matches anything; comma-separated unions such as {@code
 * IMAGE,MASK} match when the two sides share at least one type.
 *
 * <p>Stateless and thread-safe.
 */
public final class LinkTypes {

  private LinkTypes() {}

  /** Whether output type {@code produced} can be connected to input type {@code accepted}. */
  public static boolean compatible(String produced, String accepted) {
    if (produced.equals(accepted) || "*".equals(produced) || "*".equals(accepted)) {
      return true;
    }
    Set<String> out = split(produced);
    Set<String> in = split(accepted);
    if (out.contains("*") || in.contains("*")) {
      return true;
    }
    for (String type : out) {
      if (in.contains(type)) {
        return true;
      }
    }
    return false;
  }

  private static Set<String> split(String types) {
    return Arrays.stream(types.split(","))
        .map(String::trim)
        .filter(t -> !t.isEmpty())
        .collect(Collectors.toSet());
  }
}
