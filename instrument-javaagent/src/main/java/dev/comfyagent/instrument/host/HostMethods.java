package dev.comfyagent.instrument.host;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * Finds public methods of host classes as method handles, through a public class or interface that
 * declares them: a tool implemented as a private nested class is still reached through its public
 * interface. The agent never links to host classes, so this is how it reads them.
 *
 * <p>Stateless and thread-safe.
 */
public final class HostMethods {

  private static final MethodHandles.Lookup PUBLIC = MethodHandles.publicLookup();

  private HostMethods() {}

  /**
   * A handle for the public no-argument instance method {@code name} of {@code type}, adapted to
   * take {@code Object} and return {@code returnType} (reference results as {@code Object}), or
   * {@code null} when there is none returning one of {@code accepted}.
   */
  public static MethodHandle noArgs(Class<?> type, String name, Class<?>... accepted) {
    Found found = find(type, name, false, accepted);
    return found == null ? null : found.handle();
  }

  /**
   * A handle for a public no-argument method and the public type it was found on, which it serves
   * every instance of.
   */
  record Found(Class<?> on, MethodHandle handle) {}

  /**
   * {@link #noArgs}, found on the farthest public type that declares the method (the interface a
   * host's tools implement rather than each tool's class), so that one handle serves all of that
   * type's classes; null when there is none.
   */
  static Found noArgsForAll(Class<?> type, String name, Class<?>... accepted) {
    return find(type, name, true, accepted);
  }

  private static Found find(Class<?> type, String name, boolean farthest, Class<?>... accepted) {
    Found found = null;
    for (Class<?> candidate : publicTypes(type)) {
      try {
        Method method = candidate.getMethod(name);
        if (Modifier.isStatic(method.getModifiers()) || !acceptedReturn(method, accepted)) {
          continue;
        }
        MethodHandle handle =
            PUBLIC.findVirtual(candidate, name, MethodType.methodType(method.getReturnType()));
        Class<?> erased =
            method.getReturnType().isPrimitive() ? method.getReturnType() : Object.class;
        found = new Found(candidate, handle.asType(MethodType.methodType(erased, Object.class)));
        if (!farthest) {
          return found;
        }
      } catch (NoSuchMethodException | IllegalAccessException | SecurityException e) {
        // try the next public supertype
      }
    }
    return found;
  }

  /** The class, its superclasses and all its interfaces that are public, nearest first. */
  public static Iterable<Class<?>> publicTypes(Class<?> type) {
    Set<Class<?>> seen = new HashSet<>();
    Deque<Class<?>> queue = new ArrayDeque<>();
    java.util.List<Class<?>> found = new java.util.ArrayList<>();
    queue.add(type);
    while (!queue.isEmpty()) {
      Class<?> next = queue.poll();
      if (next == null || !seen.add(next)) {
        continue;
      }
      if (Modifier.isPublic(next.getModifiers())
          && next.getModule().isExported(next.getPackageName())) {
        found.add(next);
      }
      if (next.getSuperclass() != null) {
        queue.add(next.getSuperclass());
      }
      queue.addAll(java.util.Arrays.asList(next.getInterfaces()));
    }
    return found;
  }

  /** The class named {@code name} as {@code context}'s loader sees it, without initializing it. */
  public static Class<?> visibleClass(Class<?> context, String name) {
    ClassLoader loader = context.getClassLoader();
    if (loader == null) {
      return null;
    }
    try {
      return Class.forName(name, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
    }
  }

  /** The nearest superclass of {@code type} (itself included) with one of these names, or null. */
  static Class<?> superclassNamed(Class<?> type, String... names) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      for (String name : names) {
        if (c.getName().equals(name)) {
          return c;
        }
      }
    }
    return null;
  }

  private static boolean acceptedReturn(Method method, Class<?>... accepted) {
    for (Class<?> type : accepted) {
      if (type == method.getReturnType()
          || (!type.isPrimitive() && type.isAssignableFrom(method.getReturnType()))) {
        return true;
      }
    }
    return false;
  }
}
