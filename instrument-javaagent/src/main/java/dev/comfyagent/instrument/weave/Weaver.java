package dev.comfyagent.instrument.weave;

import static net.bytebuddy.matcher.ElementMatchers.any;
import static net.bytebuddy.matcher.ElementMatchers.isBootstrapClassLoader;
import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;

import dev.comfyagent.instrument.bootstrap.AgentBridge;
import dev.comfyagent.instrument.record.AgentHealth;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
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
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;

/**
 * Installs the agent's {@link WeaveTarget}s with Byte Buddy: advice only (no new members, so
 * classes can be retransformed after startup too), every woven class and every failure counted in
 * {@link AgentHealth}.
 *
 * <p>Start-up cost is kept down in three steps. A {@link ClassNameFilter} in front of Byte Buddy's
 * transformer passes over every class that no target can match, by its name, before a type
 * description is built (most classes of a server are its libraries'). The classes left share one
 * type pool cache per class loader, so a supertype is parsed once, not once per subclass. And Byte
 * Buddy's own ignore rule still rejects JDK and agent classes by name first.
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
    ClassNameFilter filter = ClassNameFilter.of(targets);
    AgentBuilder builder =
        new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
            .disableClassFormatChanges()
            .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
            .with(new LoadedCandidates(filter))
            .with(AgentBuilder.TypeStrategy.Default.DECORATE)
            .with(new SharedTypePools())
            .with(new Counting(health))
            .with((AgentBuilder.TransformerDecorator) installed -> new Filtered(installed, filter))
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
    AdviceTransformer advice = adviceTemplate();
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

  /**
   * The weaving transformer for {@code targets}, not registered anywhere: the {@link StartTrigger}
   * (the agent's one registered transformer) hands it every class once the agent runs. Classes
   * already loaded are woven by {@link #retransformLoaded}.
   */
  public ClassFileTransformer make(List<WeaveTarget> targets) {
    return new Filtered(
        (ResettableClassFileTransformer) builder(targets).makeRaw(), ClassNameFilter.of(targets));
  }

  /**
   * Retransforms the loaded classes that {@code targets} may weave, through the transformers
   * registered with retransformation (the {@link StartTrigger}): those the agent missed because
   * they loaded before it ran. A subtype rule counts only when its type is loaded (no class can
   * implement an interface that never loaded), so that the classes of a large host are not all
   * retransformed for a rule that cannot match. Failures are counted per class.
   *
   * @return the number of classes retransformed
   */
  public int retransformLoaded(Instrumentation instrumentation, List<WeaveTarget> targets) {
    Class<?>[] loaded = instrumentation.getAllLoadedClasses();
    java.util.Set<String> names = new java.util.HashSet<>();
    for (Class<?> type : loaded) {
      names.add(type.getName());
    }
    ClassNameFilter filter = ClassNameFilter.of(targets, names::contains);
    List<Class<?>> candidates = new ArrayList<>();
    for (Class<?> type : loaded) {
      try {
        if (filter.considers(type) && instrumentation.isModifiableClass(type)) {
          candidates.add(type);
        }
      } catch (LinkageError | RuntimeException e) {
        // a class whose supertypes cannot be read cannot be woven either
      }
    }
    int done = 0;
    for (Class<?> type : candidates) {
      try {
        instrumentation.retransformClasses(type);
        done++;
      } catch (Exception | LinkageError e) {
        health.instrumentationFailed(type.getName(), e);
      }
    }
    return done;
  }

  private AdviceTransformer adviceTemplate() {
    MethodDescription adviceFailed;
    try {
      adviceFailed =
          new MethodDescription.ForLoadedMethod(
              AgentBridge.class.getMethod("adviceFailed", Throwable.class));
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException("the bootstrap bridge lacks adviceFailed", e);
    }
    return AdviceTransformer.template(
        agentLoader, new Advice.ExceptionHandler.Simple(MethodInvocation.invoke(adviceFailed)));
  }

  private static void setIfAbsent(String property, String value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, value);
    }
  }

  /**
   * Byte Buddy's transformer behind the {@link ClassNameFilter}: a class the filter passes over
   * costs a few string tests and is never described.
   */
  private static final class Filtered extends ResettableClassFileTransformer.WithDelegation {
    private final ClassNameFilter filter;

    Filtered(ResettableClassFileTransformer installed, ClassNameFilter filter) {
      super(installed);
      this.filter = filter;
    }

    @Override
    public byte[] transform(
        ClassLoader loader,
        String internalName,
        Class<?> classBeingRedefined,
        ProtectionDomain domain,
        byte[] classFile)
        throws IllegalClassFormatException {
      return filter.considers(internalName, classFile)
          ? classFileTransformer.transform(
              loader, internalName, classBeingRedefined, domain, classFile)
          : null;
    }

    @Override
    public byte[] transform(
        Module module,
        ClassLoader loader,
        String internalName,
        Class<?> classBeingRedefined,
        ProtectionDomain domain,
        byte[] classFile)
        throws IllegalClassFormatException {
      return filter.considers(internalName, classFile)
          ? classFileTransformer.transform(
              module, loader, internalName, classBeingRedefined, domain, classFile)
          : null;
    }
  }

  /**
   * The loaded classes Byte Buddy checks for retransformation when it is installed: only those the
   * filter considers (none of the JDK's several hundred at start-up; after a late attach, the few
   * the targets can match among thousands).
   */
  private static final class LoadedCandidates
      implements AgentBuilder.RedefinitionStrategy.DiscoveryStrategy {
    private final ClassNameFilter filter;

    LoadedCandidates(ClassNameFilter filter) {
      this.filter = filter;
    }

    @Override
    public Iterable<Iterable<Class<?>>> resolve(Instrumentation instrumentation) {
      List<Class<?>> candidates = new ArrayList<>();
      for (Class<?> type : instrumentation.getAllLoadedClasses()) {
        try {
          if (filter.considers(type)) {
            candidates.add(type);
          }
        } catch (LinkageError | RuntimeException e) {
          // a class whose supertypes cannot be read cannot be woven either
        }
      }
      return List.<Iterable<Class<?>>>of(candidates);
    }
  }

  /**
   * One type pool cache per class loader, held weakly (a host's loader can be collected) and softly
   * (the parsed types go when memory is short): supertypes shared by the classes a loader defines
   * are parsed once.
   */
  private static final class SharedTypePools extends AgentBuilder.PoolStrategy.WithTypePoolCache {
    private final Map<ClassLoader, TypePool.CacheProvider> byLoader = new WeakHashMap<>();
    private final TypePool.CacheProvider bootstrap =
        new TypePool.CacheProvider.Simple.UsingSoftReference();

    SharedTypePools() {
      super(TypePool.Default.ReaderMode.FAST);
    }

    @Override
    protected TypePool.CacheProvider locate(ClassLoader loader) {
      if (loader == null) {
        return bootstrap;
      }
      synchronized (byLoader) {
        return byLoader.computeIfAbsent(
            loader, l -> new TypePool.CacheProvider.Simple.UsingSoftReference());
      }
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
