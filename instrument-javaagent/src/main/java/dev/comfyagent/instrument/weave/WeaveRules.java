package dev.comfyagent.instrument.weave;

import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The rules the {@link WeaveTarget}s add: which types, in which class loaders, get which advice.
 * Every rule that matches a type applies to it, in the order added (two targets may advise one
 * class, as the SDK's {@code McpServerFeatures} is by two).
 *
 * <p>Usage (inside {@link WeaveTarget#weave}):
 *
 * <pre>{@code
 * return rules.type(named("com.acme.Server"))
 *     .transform(advice.advice(named("handle"), HandleAdvice.class.getName()));
 * }</pre>
 *
 * <p>Not thread-safe while rules are added; read-only once handed to the weaving transformer.
 */
public final class WeaveRules {

  /** One rule: a type matcher, an optional class loader matcher, and the advice to apply. */
  record Rule(
      ElementMatcher<? super TypeDescription> types,
      ElementMatcher<? super ClassLoader> loaders,
      AdviceTransformer advice) {

    boolean matches(TypeDescription type, ClassLoader loader) {
      return (loaders == null || loaders.matches(loader)) && types.matches(type);
    }
  }

  private final List<Rule> rules = new ArrayList<>();

  /** The types a rule applies to, in any class loader. */
  public Pending type(ElementMatcher<? super TypeDescription> types) {
    return new Pending(types, null);
  }

  /** The types a rule applies to, in the class loaders {@code loaders} matches. */
  public Pending type(
      ElementMatcher<? super TypeDescription> types, ElementMatcher<? super ClassLoader> loaders) {
    return new Pending(types, loaders);
  }

  /** The rules added so far, in order. */
  List<Rule> rules() {
    return List.copyOf(rules);
  }

  /** A rule waiting for its advice. */
  public final class Pending {
    private final ElementMatcher<? super TypeDescription> types;
    private final ElementMatcher<? super ClassLoader> loaders;

    private Pending(
        ElementMatcher<? super TypeDescription> types,
        ElementMatcher<? super ClassLoader> loaders) {
      this.types = types;
      this.loaders = loaders;
    }

    /** Applies {@code advice} to the types of this rule; returns the rules for chaining. */
    public WeaveRules transform(AdviceTransformer advice) {
      rules.add(new Rule(types, loaders, advice));
      return WeaveRules.this;
    }
  }
}
