package dev.comfyagent.instrument.host;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.Map;

/**
 * The size method of a probed class, found once per class and read through a method handle: a
 * public no-argument instance method (also reached through a public supertype), or else a
 * non-public one where the class's package is open to the agent (every class on the class path is:
 * it sits in an unnamed module). Accepted results: any primitive or boxed number, a {@code
 * Collection} or a {@code Map} (its {@code size()}).
 *
 * <p>Immutable and thread-safe.
 */
public final class SizeMethod {

  private static final MethodType READ = MethodType.methodType(Object.class, Object.class);
  private static final Class<?>[] ACCEPTED = {
    int.class, long.class, short.class, byte.class, Number.class, Collection.class, Map.class
  };

  private final MethodHandle handle;

  private SizeMethod(MethodHandle handle) {
    this.handle = handle.asType(READ);
  }

  /**
   * Finds {@code name} on {@code type}.
   *
   * @throws IllegalArgumentException saying why there is no usable method, for the probe's report
   */
  public static SizeMethod find(Class<?> type, String name) {
    MethodHandle found = HostMethods.noArgs(type, name, ACCEPTED);
    if (found != null) {
      return new SizeMethod(found);
    }
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      Method method;
      try {
        method = c.getDeclaredMethod(name);
      } catch (NoSuchMethodException e) {
        continue;
      } catch (SecurityException | LinkageError e) {
        throw new IllegalArgumentException(
            "class " + type.getName() + " cannot be inspected: " + e, e);
      }
      if (Modifier.isStatic(method.getModifiers())) {
        throw new IllegalArgumentException(
            type.getName() + "#" + name + " is static; a probe reads an instance method");
      }
      if (!accepted(method.getReturnType())) {
        throw new IllegalArgumentException(
            type.getName()
                + "#"
                + name
                + " returns "
                + method.getReturnType().getName()
                + ", not a number, a Collection or a Map");
      }
      if (!c.getModule().isOpen(c.getPackageName(), SizeMethod.class.getModule())) {
        throw new IllegalArgumentException(
            type.getName()
                + "#"
                + name
                + " is not public and its module does not open "
                + c.getPackageName()
                + " to the agent");
      }
      try {
        method.setAccessible(true);
        return new SizeMethod(MethodHandles.lookup().unreflect(method));
      } catch (ReflectiveOperationException | RuntimeException e) {
        throw new IllegalArgumentException(
            type.getName() + "#" + name + " cannot be called: " + e, e);
      }
    }
    throw new IllegalArgumentException(
        "class " + type.getName() + " has no no-argument method " + name + "()");
  }

  /**
   * Reads the size of one instance.
   *
   * @throws Throwable whatever the host's method throws
   */
  public long read(Object instance) throws Throwable {
    Object value = (Object) handle.invokeExact(instance);
    if (value instanceof Number number) {
      return number.longValue();
    }
    if (value instanceof Collection<?> collection) {
      return collection.size();
    }
    if (value instanceof Map<?, ?> map) {
      return map.size();
    }
    return 0; // a null Collection or Map: nothing held
  }

  private static boolean accepted(Class<?> returnType) {
    for (Class<?> type : ACCEPTED) {
      if (type == returnType || (!type.isPrimitive() && type.isAssignableFrom(returnType))) {
        return true;
      }
    }
    return false;
  }
}
