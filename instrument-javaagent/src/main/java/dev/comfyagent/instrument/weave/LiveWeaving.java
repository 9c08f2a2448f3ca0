package dev.comfyagent.instrument.weave;

import java.io.IOException;
import java.util.ArrayList;
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
 * Weaving by Byte Buddy, for the classes the {@link WeaveCache} does not hold: the class is
 * described from its class file (its supertypes from its loader's resources, lazily, through one
 * soft type-pool cache per loader: no class is loaded to be described), the rules are matched, and
 * the class is decorated with their advice. Made by {@link AdviceWeaving} on its first cache miss,
 * so that a start the cache serves loads none of this.
 *
 * <p>With a {@link WeaveCache.Recorder} (the build's training run) every outcome is recorded with
 * the class files it was decided from; each class is then described with a type pool of its own, so
 * that every supertype it needs is read, and recorded, for it.
 *
 * <p>Thread-safe.
 */
final class LiveWeaving {

  private final List<WeaveRules.Rule> rules;
  private final WeaveCache.Recorder recorder;
  // Advice goes on declared methods only, so the woven class's method graph needs no supertype:
  // the default compiler describes the whole hierarchy of every woven class (a third of what
  // weaving allocated while agent-runtime started, and its supertypes' class files read again).
  private final ByteBuddy byteBuddy =
      new ByteBuddy()
          .with(TypeValidation.DISABLED)
          .with(Implementation.Context.Disabled.Factory.INSTANCE)
          .with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE);
  private final Map<ClassLoader, TypePool.CacheProvider> pools = new WeakHashMap<>();

  LiveWeaving(List<WeaveRules.Rule> rules, WeaveCache.Recorder recorder) {
    this.rules = rules;
    this.recorder = recorder;
  }

  /** The woven class file of {@code name}, or null when no rule applies to it. */
  byte[] weave(ClassLoader loader, String name, byte[] classFile, long loaderMask)
      throws IOException {
    List<WeaveCache.Dependency> read = recorder == null ? null : new ArrayList<>();
    ClassFileLocator fromLoader = ClassFileLocator.ForClassLoader.of(loader);
    ClassFileLocator locator =
        new ClassFileLocator.Compound(
            ClassFileLocator.Simple.of(name, classFile),
            read == null ? fromLoader : new Recording(fromLoader, read));
    TypePool pool =
        new TypePool.Default.WithLazyResolution(
            read == null ? cacheOf(loader) : new TypePool.CacheProvider.Simple(),
            locator,
            TypePool.Default.ReaderMode.FAST);
    int pathsBefore = JoinPointFound.onThisThread();
    byte[] woven = weave(pool, locator, loader, name);
    if (recorder != null) {
      recorder.record(
          name, classFile, loaderMask, read, JoinPointFound.onThisThread() - pathsBefore, woven);
    }
    return woven;
  }

  private byte[] weave(TypePool pool, ClassFileLocator locator, ClassLoader loader, String name) {
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
    return builder == null ? null : builder.make(pool).getBytes();
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

  /** Notes every non-JDK class file it is asked for, and what it found, for the recorder. */
  private static final class Recording implements ClassFileLocator {
    private final ClassFileLocator delegate;
    private final List<WeaveCache.Dependency> read;

    Recording(ClassFileLocator delegate, List<WeaveCache.Dependency> read) {
      this.delegate = delegate;
      this.read = read;
    }

    @Override
    public Resolution locate(String name) throws IOException {
      Resolution resolution = delegate.locate(name);
      if (WeaveCache.dependsOn(name)) {
        read.add(
            new WeaveCache.Dependency(
                name,
                resolution.isResolved()
                    ? WeaveCache.checksum(resolution.resolve())
                    : WeaveCache.ABSENT));
      }
      return resolution;
    }

    @Override
    public void close() throws IOException {
      delegate.close();
    }
  }
}
