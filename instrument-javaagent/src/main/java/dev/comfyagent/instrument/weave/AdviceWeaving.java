package dev.comfyagent.instrument.weave;

import dev.comfyagent.instrument.record.AgentHealth;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.pool.TypePool;

/**
 * The weaving transformer: applies the advice of the {@link WeaveRules} that match a class to its
 * class file, the class itself described by Byte Buddy from that class file, through a plain {@link
 * ClassFileTransformer}.
 *
 * <p>A class reaches Byte Buddy only when the {@link ClassNameFilter} considers it, its loader is
 * neither the bootstrap loader nor the agent's, and its name is not the JDK's or the agent's. It is
 * then described from its class file (its supertypes from its loader's resources, lazily, through
 * one soft type-pool cache per loader: no class is loaded to be described), the rules are matched,
 * and the class is decorated with their advice: methods get advice code, nothing else changes, so
 * the same applies on retransformation. A failure is counted for that class, which stays as it was;
 * a class the agent's own weaving loads while it weaves is passed over.
 *
 * <p>Thread-safe.
 */
final class AdviceWeaving implements ClassFileTransformer {

  /** Never woven, by binary name: the JDK's, Byte Buddy's and the agent's own classes. */
  private static final String[] IGNORED =
      new String[] {
        "java.",
        "javax.",
        "jdk.",
        "sun.",
        "com.sun.",
        "dev.comfyagent.instrument.",
        "net.bytebuddy."
      };

  private final ClassNameFilter filter;
  private final List<WeaveRules.Rule> rules;
  private final AgentHealth health;
  private final ClassLoader agentLoader;
  // Advice goes on declared methods only, so the woven class's method graph needs no supertype:
  // the default compiler describes the whole hierarchy of every woven class (a third of what
  // weaving allocated while agent-runtime started, and its supertypes' class files read again).
  private final ByteBuddy byteBuddy =
      new ByteBuddy()
          .with(TypeValidation.DISABLED)
          .with(Implementation.Context.Disabled.Factory.INSTANCE)
          .with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE);
  private final Map<ClassLoader, TypePool.CacheProvider> pools = new WeakHashMap<>();
  private final ThreadLocal<Boolean> weaving = new ThreadLocal<>();

  /**
   * @param agentLoader the agent's own class loader, never woven; null when it also holds host
   *     classes (tests)
   */
  AdviceWeaving(
      ClassNameFilter filter,
      List<WeaveRules.Rule> rules,
      AgentHealth health,
      ClassLoader agentLoader) {
    this.filter = filter;
    this.rules = rules;
    this.health = health;
    this.agentLoader = agentLoader;
  }

  @Override
  public byte[] transform(
      Module module,
      ClassLoader loader,
      String internalName,
      Class<?> classBeingRedefined,
      ProtectionDomain domain,
      byte[] classFile) {
    return transform(loader, internalName, classBeingRedefined, domain, classFile);
  }

  @Override
  public byte[] transform(
      ClassLoader loader,
      String internalName,
      Class<?> classBeingRedefined,
      ProtectionDomain domain,
      byte[] classFile) {
    if (loader == null
        || loader == agentLoader
        || classFile == null
        || !filter.considers(internalName, classFile)
        || weaving.get() != null) {
      return null;
    }
    String name = internalName.replace('/', '.');
    for (String ignored : IGNORED) {
      if (name.startsWith(ignored)) {
        return null;
      }
    }
    weaving.set(Boolean.TRUE);
    try {
      return weave(loader, name, classFile);
    } catch (Throwable e) { // NOPMD - the host's class must load whatever the agent does wrong
      health.instrumentationFailed(name, e);
      return null;
    } finally {
      weaving.remove();
    }
  }

  private byte[] weave(ClassLoader loader, String name, byte[] classFile) {
    ClassFileLocator locator =
        new ClassFileLocator.Compound(
            ClassFileLocator.Simple.of(name, classFile),
            ClassFileLocator.ForClassLoader.of(loader));
    TypePool pool =
        new TypePool.Default.WithLazyResolution(
            cacheOf(loader), locator, TypePool.Default.ReaderMode.FAST);
    TypeDescription type = pool.describe(name).resolve();
    if (type.isSynthetic()) {
      return null;
    }
    DynamicType.Builder<?> builder = null;
    for (WeaveRules.Rule rule : rules) {
      if (rule.matches(type, loader)) {
        if (builder == null) {
          builder = byteBuddy.decorate(type, locator);
        }
        builder = builder.visit(rule.advice().wrapper());
      }
    }
    if (builder == null) {
      return null;
    }
    byte[] woven = builder.make(pool).getBytes();
    health.classInstrumented(name);
    return woven;
  }

  /**
   * The type-pool cache of {@code loader}: supertypes shared by the classes a loader defines are
   * parsed once. Held weakly per loader (a host's loader can be collected) and softly inside (the
   * parsed types go when memory is short).
   */
  private TypePool.CacheProvider cacheOf(ClassLoader loader) {
    synchronized (pools) {
      return pools.computeIfAbsent(
          loader, l -> new TypePool.CacheProvider.Simple.UsingSoftReference());
    }
  }

  @Override
  public String toString() {
    return "AdviceWeaving" + filter;
  }
}
