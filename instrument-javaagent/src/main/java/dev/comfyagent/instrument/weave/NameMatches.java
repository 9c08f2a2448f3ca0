package dev.comfyagent.instrument.weave;

import java.util.regex.Pattern;
import net.bytebuddy.description.NamedElement;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Matches names against a regular expression compiled once (Byte Buddy's own {@code nameMatches}
 * compiles it on every match, and type matching runs for every class loaded).
 *
 * @param <T> the matched element type
 */
final class NameMatches<T extends NamedElement.WithRuntimeName>
    extends ElementMatcher.Junction.AbstractBase<T> {

  private final Pattern pattern;

  NameMatches(Pattern pattern) {
    this.pattern = pattern;
  }

  @Override
  public boolean matches(T target) {
    return target != null && pattern.matcher(target.getName()).matches();
  }

  @Override
  public String toString() {
    return "nameMatches(" + pattern + ")";
  }
}
