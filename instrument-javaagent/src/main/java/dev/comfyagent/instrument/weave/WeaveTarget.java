package dev.comfyagent.instrument.weave;

import java.util.List;

/**
 * One place the agent weaves: which classes and methods, with which advice, and why. Each
 * implementation keeps its matcher and its advice side by side in one file.
 *
 * <p>Advice classes are never loaded in the host: Byte Buddy copies their code into host methods.
 * Advice code may therefore reference only JDK types and the bootstrap bridge ({@code
 * dev.comfyagent.instrument.bootstrap}); a test checks this for every advice class.
 */
public interface WeaveTarget {

  /** A short name for diagnostics. */
  String name();

  /**
   * The classes this target's matchers can match, by binary name: exact class names or package
   * prefixes ending in a dot. A class whose name starts with none of them (and that no {@link
   * #subtypesOf} rule needs) is passed over by {@link ClassNameFilter} before Byte Buddy describes
   * it, so keep the list as narrow as the matchers: it is what start-up time depends on.
   */
  List<String> classNamePrefixes();

  /**
   * Types whose subtypes this target matches wherever they are declared, by binary name; empty (the
   * default) when {@link #classNamePrefixes} covers every class it can match. Each such type makes
   * the agent read the direct supertypes of classes outside the prefixes.
   */
  default List<String> subtypesOf() {
    return List.of();
  }

  /**
   * Adds this target's type matchers and advice to {@code rules}.
   *
   * @param advice a transformer template that finds advice classes in the agent's class loader and
   *     routes suppressed advice exceptions to the agent's error count
   */
  WeaveRules weave(WeaveRules rules, AdviceTransformer advice);
}
