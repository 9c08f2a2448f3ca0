package dev.comfyagent.instrument.weave;

import net.bytebuddy.agent.builder.AgentBuilder;

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
   * Adds this target's type matchers and advice to {@code builder}.
   *
   * @param advice a transformer template that finds advice classes in the agent's class loader and
   *     routes suppressed advice exceptions to the agent's error count
   */
  AgentBuilder weave(AgentBuilder builder, AgentBuilder.Transformer.ForAdvice advice);
}
