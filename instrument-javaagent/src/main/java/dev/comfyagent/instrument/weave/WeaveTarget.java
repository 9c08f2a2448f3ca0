package dev.comfyagent.instrument.weave;

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
   * Adds this target's rules to {@code rules}: each names its classes ({@link WeaveRules#classes},
   * {@link WeaveRules#classesUnder} or {@link WeaveRules#subtypesOf}), may narrow them ({@link
   * WeaveRules.Pending#that}) and gives the advice for their methods. The names are all the agent
   * knows of which classes a target can match: the {@link ClassNameFilter} that passes every other
   * class over before Byte Buddy describes it is made from them, so keep them as narrow as the
   * target allows (start-up time depends on it).
   *
   * @param advice a transformer template that finds advice classes in the agent's class loader and
   *     routes suppressed advice exceptions to the agent's error count
   */
  WeaveRules weave(WeaveRules rules, AdviceTransformer advice);
}
