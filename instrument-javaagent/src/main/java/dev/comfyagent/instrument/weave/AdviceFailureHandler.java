package dev.comfyagent.instrument.weave;

import dev.comfyagent.instrument.bootstrap.AgentBridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.implementation.bytecode.member.MethodInvocation;

/** Where a suppressed advice exception goes: to the bootstrap bridge, which counts it. */
final class AdviceFailureHandler {

  private AdviceFailureHandler() {}

  /** An exception handler that hands the advice's exception to {@code AgentBridge.adviceFailed}. */
  static Advice.ExceptionHandler toBridge() {
    MethodDescription adviceFailed;
    try {
      adviceFailed =
          new MethodDescription.ForLoadedMethod(
              AgentBridge.class.getMethod("adviceFailed", Throwable.class));
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException("the bootstrap bridge lacks adviceFailed", e);
    }
    return new Advice.ExceptionHandler.Simple(MethodInvocation.invoke(adviceFailed));
  }
}
