package dev.comfyagent.instrument.weave;

import static net.bytebuddy.matcher.ElementMatchers.any;
import static net.bytebuddy.matcher.ElementMatchers.isBootstrapClassLoader;
import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;

import dev.comfyagent.instrument.bootstrap.AgentBridge;
import dev.comfyagent.instrument.record.AgentHealth;
import java.lang.instrument.Instrumentation;
import java.util.List;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.bytecode.member.MethodInvocation;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.utility.JavaModule;

/**
 * Installs the agent's {@link WeaveTarget}s with Byte Buddy: advice only (no new members, so
 * classes can be retransformed after startup too), JDK and agent classes ignored by name, every
 * woven class and every failure counted in {@link AgentHealth}.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * Weaver weaver = new Weaver(health, Weaver.class.getClassLoader());
 * ResettableClassFileTransformer installed = weaver.install(instrumentation, targets);
 * }</pre>
 *
 * <p>Thread-safe after construction.
 */
public final class Weaver {

  static {
    // Relocation renames Byte Buddy's system properties along with its packages, so the shaded
    // copy reads dev.comfyagent.instrument.shaded.net.bytebuddy.*: set the ones the agent relies
    // on here, in code, before Byte Buddy's classes initialize. Each can still be overridden by
    // setting the relocated property on the command line.
    setIfAbsent("net.bytebuddy.experimental", "true");
    setIfAbsent("net.bytebuddy.nexus.disabled", "true");
  }

  private final AgentHealth health;
  private final ClassLoader agentLoader;
  private final boolean agentLoaderIsPrivate;

  /**
   * @param health counts woven classes and failures
   * @param agentLoader the agent's own class loader: it holds the advice classes, and nothing it
   *     loads is woven
   */
  public Weaver(AgentHealth health, ClassLoader agentLoader) {
    this(health, agentLoader, true);
  }

  /**
   * @param agentLoaderIsPrivate whether {@code agentLoader} holds agent classes only (false in
   *     tests, where the advice lives in the same loader as the classes to weave)
   */
  Weaver(AgentHealth health, ClassLoader agentLoader, boolean agentLoaderIsPrivate) {
    this.health = health;
    this.agentLoader = agentLoader;
    this.agentLoaderIsPrivate = agentLoaderIsPrivate;
  }

  /** Builds the agent builder for {@code targets}, ready to install. */
  public AgentBuilder builder(List<WeaveTarget> targets) {
    AgentBuilder builder =
        new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
            .disableClassFormatChanges()
            .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
            .with(AgentBuilder.TypeStrategy.Default.DECORATE)
            .with(AgentBuilder.PoolStrategy.Default.FAST)
            .with(new Counting(health))
            .ignore(
                nameStartsWith("java.")
                    .or(nameStartsWith("javax."))
                    .or(nameStartsWith("jdk."))
                    .or(nameStartsWith("sun."))
                    .or(nameStartsWith("com.sun."))
                    .or(nameStartsWith("dev.comfyagent.instrument."))
                    .or(nameStartsWith("net.bytebuddy."))
                    .or(isSynthetic()))
            .or(
                any(),
                agentLoaderIsPrivate
                    ? isBootstrapClassLoader().or(ElementMatchers.is(agentLoader))
                    : isBootstrapClassLoader());
    AgentBuilder.Transformer.ForAdvice advice = adviceTemplate();
    for (WeaveTarget target : targets) {
      builder = target.weave(builder, advice);
    }
    return builder;
  }

  /** Installs {@code targets} on {@code instrumentation}, retransforming loaded classes. */
  public ResettableClassFileTransformer install(
      Instrumentation instrumentation, List<WeaveTarget> targets) {
    return builder(targets).installOn(instrumentation);
  }

  private AgentBuilder.Transformer.ForAdvice adviceTemplate() {
    MethodDescription adviceFailed;
    try {
      adviceFailed =
          new MethodDescription.ForLoadedMethod(
              AgentBridge.class.getMethod("adviceFailed", Throwable.class));
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException("the bootstrap bridge lacks adviceFailed", e);
    }
    return new AgentBuilder.Transformer.ForAdvice()
        .include(agentLoader)
        .withExceptionHandler(
            new Advice.ExceptionHandler.Simple(MethodInvocation.invoke(adviceFailed)));
  }

  private static void setIfAbsent(String property, String value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, value);
    }
  }

  /** Counts woven classes and weaving failures. */
  private static final class Counting extends AgentBuilder.Listener.Adapter {
    private final AgentHealth health;

    Counting(AgentHealth health) {
      this.health = health;
    }

    @Override
    public void onTransformation(
        TypeDescription type,
        ClassLoader loader,
        JavaModule module,
        boolean loaded,
        DynamicType dynamicType) {
      health.classInstrumented(type.getName());
    }

    @Override
    public void onError(
        String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable error) {
      health.instrumentationFailed(typeName, error);
    }
  }
}
