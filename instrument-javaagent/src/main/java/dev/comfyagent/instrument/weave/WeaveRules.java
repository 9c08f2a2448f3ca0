package dev.comfyagent.instrument.weave;

import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;

import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The rules the {@link WeaveTarget}s add: which types, in which class loaders, get which advice.
 * Every rule that matches a type applies to it, in the order added (two targets may advise one
 * class, as the SDK's {@code McpServerFeatures} is by two).
 *
 * <p>A rule starts from the classes it names, in one of three ways: {@link #classes} (exact binary
 * names), {@link #classesUnder} (a package, or a name's literal beginning) or {@link #subtypesOf}
 * (a type and its subtypes, wherever declared). Those names are both the first test of the rule's
 * type matcher and what the {@link ClassNameFilter} in front of Byte Buddy lets through, so a
 * target names its classes once and the two cannot disagree; {@link Pending#that} can only narrow
 * them further.
 *
 * <p>Usage (inside {@link WeaveTarget#weave}):
 *
 * <pre>{@code
 * return rules.classes("com.acme.Server")
 *     .transform(advice.advice(named("handle"), HandleAdvice.class.getName()));
 * }</pre>
 *
 * <p>Not thread-safe while rules are added; read-only once handed to the weaving transformer.
 */
public final class WeaveRules {

  /**
   * The classes a rule names, in one of the three forms the {@link ClassNameFilter} reads: exact
   * binary names, a name prefix, or a type whose subtypes (and itself) are named wherever declared.
   */
  record ClassNames(Form form, List<String> names) {

    /** How {@link #names} name classes. */
    enum Form {
      EXACT,
      PREFIX,
      SUBTYPES
    }

    /** The type matcher these names stand for. */
    ElementMatcher.Junction<TypeDescription> matcher() {
      return switch (form) {
        case EXACT -> namedOneOf(names.toArray(new String[0]));
        case PREFIX -> nameStartsWith(names.get(0));
        case SUBTYPES -> hasSuperType(named(names.get(0)));
      };
    }
  }

  /** One rule: the classes it names, a narrowing matcher, a class loader matcher, the advice. */
  record Rule(
      ClassNames names,
      ElementMatcher<? super TypeDescription> types,
      ElementMatcher<? super ClassLoader> loaders,
      AdviceTransformer advice) {

    boolean matches(TypeDescription type, ClassLoader loader) {
      return (loaders == null || loaders.matches(loader)) && types.matches(type);
    }

    /**
     * Whether this rule's names can take in the class {@code binaryName}, whose package {@code
     * filter} may hold subtypes or not: a rule that cannot match a class by its names cannot match
     * it at all, whatever its other matchers say.
     */
    boolean mayName(String binaryName, ClassNameFilter filter, String internalName) {
      return switch (names.form()) {
        case EXACT -> names.names().contains(binaryName);
        case PREFIX -> binaryName.startsWith(names.names().get(0));
        case SUBTYPES ->
            names.names().get(0).equals(binaryName) || filter.mayBeSubtype(internalName);
      };
    }
  }

  private final List<Rule> rules = new ArrayList<>();

  /**
   * The rules of {@code targets}, in order.
   *
   * @param advice the transformer template each target adds its advice to
   */
  static WeaveRules of(List<? extends WeaveTarget> targets, AdviceTransformer advice) {
    WeaveRules rules = new WeaveRules();
    for (WeaveTarget target : targets) {
      target.weave(rules, advice);
    }
    return rules;
  }

  /** A rule for the classes with exactly these binary names ({@code com.acme.Server$Inner}). */
  public Pending classes(String... binaryNames) {
    if (binaryNames.length == 0) {
      throw new IllegalArgumentException("a rule names at least one class");
    }
    return new Pending(new ClassNames(ClassNames.Form.EXACT, List.of(binaryNames)));
  }

  /**
   * A rule for the classes whose binary names start with {@code prefix}: a package ({@code
   * com.acme.}) or the literal beginning of a name pattern ({@code com.acme.Ping}).
   */
  public Pending classesUnder(String prefix) {
    if (prefix.isEmpty()) {
      throw new IllegalArgumentException("a prefix that names every class passes nothing over");
    }
    return new Pending(new ClassNames(ClassNames.Form.PREFIX, List.of(prefix)));
  }

  /**
   * A rule for {@code binaryName} and every type with it as a supertype, wherever declared: the
   * {@link ClassNameFilter} reads the direct supertypes of classes outside its prefixes for it.
   */
  public Pending subtypesOf(String binaryName) {
    return new Pending(new ClassNames(ClassNames.Form.SUBTYPES, List.of(binaryName)));
  }

  /**
   * The rules as text that names everything a rule decides by: its classes, its type and
   * class-loader matchers and its advice, in order. Two rule sets with one fingerprint weave alike,
   * which is what lets the {@link WeaveCache} of one start serve another.
   */
  String fingerprint() {
    StringBuilder text = new StringBuilder();
    for (Rule rule : rules) {
      text.append(rule.names().form())
          .append(rule.names().names())
          .append(" that ")
          .append(rule.types())
          .append(" in ")
          .append(rule.loaders())
          .append(" advice ")
          .append(rule.advice().description())
          .append('\n');
    }
    return text.toString();
  }

  /** The rules added so far, in order. */
  List<Rule> rules() {
    return List.copyOf(rules);
  }

  /** A rule waiting for its advice. */
  public final class Pending {
    private final ClassNames names;
    private final ElementMatcher.Junction<TypeDescription> types;
    private final ElementMatcher<? super ClassLoader> loaders;

    private Pending(ClassNames names) {
      this(names, names.matcher(), null);
    }

    private Pending(
        ClassNames names,
        ElementMatcher.Junction<TypeDescription> types,
        ElementMatcher<? super ClassLoader> loaders) {
      this.names = names;
      this.types = types;
      this.loaders = loaders;
    }

    /**
     * Narrows the rule to the named classes {@code narrower} also matches (never widens it: a class
     * outside the names stays out).
     */
    public Pending that(ElementMatcher<? super TypeDescription> narrower) {
      return new Pending(names, types.and(narrower), loaders);
    }

    /** Narrows the rule to the class loaders {@code loaders} matches. */
    public Pending in(ElementMatcher<? super ClassLoader> loaders) {
      return new Pending(names, types, loaders);
    }

    /** Applies {@code advice} to the types of this rule; returns the rules for chaining. */
    public WeaveRules transform(AdviceTransformer advice) {
      rules.add(new Rule(names, types, loaders, advice));
      return WeaveRules.this;
    }
  }
}
