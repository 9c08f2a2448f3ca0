package dev.comfyagent.instrument.weave;

import java.util.Map;
import java.util.WeakHashMap;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Matches class loaders that can see a given class, by asking each loader once for the class file
 * as a resource (no class is loaded) and caching the answer weakly per loader. Checked before any
 * costly type matching, so that loaders without the runtime or the SDK are skipped outright.
 *
 * <p>Thread-safe.
 */
final class ClassLoaderSees extends ElementMatcher.Junction.AbstractBase<ClassLoader> {

  private final String resource;
  private final Map<ClassLoader, Boolean> answers = new WeakHashMap<>();

  private ClassLoaderSees(String className) {
    this.resource = className.replace('.', '/') + ".class";
  }

  /** A matcher for loaders that can see {@code className}. */
  static ClassLoaderSees classNamed(String className) {
    return new ClassLoaderSees(className);
  }

  @Override
  public String toString() {
    return "seesClassFile(" + resource + ")";
  }

  @Override
  public boolean matches(ClassLoader loader) {
    if (loader == null) {
      return false;
    }
    synchronized (answers) {
      Boolean known = answers.get(loader);
      if (known != null) {
        return known;
      }
    }
    boolean sees;
    try {
      sees = loader.getResource(resource) != null;
    } catch (RuntimeException e) {
      sees = false;
    }
    synchronized (answers) {
      answers.put(loader, sees);
    }
    return sees;
  }
}
