package dev.comfyagent.instrument;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Puts the bootstrap bridge (the classes of {@code dev.comfyagent.instrument.bootstrap}, which
 * woven host code calls from any class loader) into the bootstrap class loader without adding the
 * agent jar to the bootstrap class path. Appending to that path makes HotSpot stop sharing archived
 * classes with the platform and application class loaders from then on, and print "Sharing is only
 * supported for boot loader classes because bootstrap classpath has been appended" on the host's
 * stderr: a line a user who added one flag did not ask for. (On agent-runtime the archived classes
 * of those loaders have loaded before the agent starts, so no start time was measured either way:
 * 10 interleaved pairs, 1,590 vs 1,605 ms of CPU.) Instead, the bridge's class files are read from
 * the agent jar and defined in the bootstrap loader directly ({@code
 * jdk.internal.misc.Unsafe#defineClass} with no loader, the package exported to the agent's module
 * alone through {@link Instrumentation#redefineModule}).
 *
 * <p>Where that is not possible (a JDK without it, a bridge class already defined by another copy
 * of the agent), {@link #inject} says so and the installer appends the jar as before.
 */
final class BridgeInjection {

  /** Where the bridge's class files are in the agent jar. */
  static final String PACKAGE = "dev/comfyagent/instrument/bootstrap/";

  private BridgeInjection() {}

  /**
   * Defines the bridge's classes in the bootstrap class loader; returns whether all of them are now
   * defined there by this call. On false the caller appends the jar: a class this call did define
   * is the jar's own, so the two agree.
   */
  static boolean inject(Instrumentation instrumentation, Path agentJar) {
    Map<String, byte[]> classFiles = new LinkedHashMap<>();
    try (JarFile jar = new JarFile(agentJar.toFile(), false)) {
      for (JarEntry entry : Collections.list(jar.entries())) {
        String path = entry.getName();
        if (path.startsWith(PACKAGE)
            && path.endsWith(".class")
            && path.indexOf('/', PACKAGE.length()) < 0
            && !path.endsWith("package-info.class")) {
          try (InputStream in = jar.getInputStream(entry)) {
            classFiles.put(
                path.substring(0, path.length() - ".class".length()).replace('/', '.'),
                in.readAllBytes());
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      return false;
    }
    if (classFiles.isEmpty()) {
      return false;
    }
    Object unsafe;
    Method defineClass;
    try {
      Module javaBase = Object.class.getModule();
      if (!instrumentation.isModifiableModule(javaBase)) {
        return false;
      }
      instrumentation.redefineModule(
          javaBase,
          Set.of(),
          Map.of("jdk.internal.misc", Set.of(BridgeInjection.class.getModule())),
          Map.of(),
          Set.of(),
          Map.of());
      Class<?> unsafeType = Class.forName("jdk.internal.misc.Unsafe");
      unsafe = unsafeType.getMethod("getUnsafe").invoke(null);
      defineClass =
          unsafeType.getMethod(
              "defineClass",
              String.class,
              byte[].class,
              int.class,
              int.class,
              ClassLoader.class,
              ProtectionDomain.class);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return false;
    }
    // A class whose supertype is another bridge class not yet defined fails with
    // NoClassDefFoundError: it is tried again once the others are in.
    List<String> pending = new ArrayList<>(classFiles.keySet());
    while (!pending.isEmpty()) {
      List<String> failed = new ArrayList<>();
      for (String name : pending) {
        byte[] bytes = classFiles.get(name);
        try {
          defineClass.invoke(unsafe, name, bytes, 0, bytes.length, null, null);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
          failed.add(name);
        }
      }
      if (failed.size() == pending.size()) {
        return false; // no progress: defined already (another copy of the agent), or refused
      }
      pending = failed;
    }
    return true;
  }
}
