package dev.comfyagent.instrument.weave;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Says whether a class is a subtype of one of some types by reading class-file headers ({@link
 * ClassFileHeader}) through the class's loader, without Byte Buddy: for the rules that match the
 * subtypes of a type wherever they are declared, so that a class that is not one (most classes of a
 * host that has a superclass or interface of its own) is passed over before Byte Buddy's type pool
 * is loaded to describe it. The walk goes up every supertype's header and stops at the JDK and the
 * other packages the {@link ClassNameFilter} holds inert (none of whose types can have a host type
 * as a supertype); a class file it cannot read makes the answer unknown, and the class goes to Byte
 * Buddy as before.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * if (walk.isSubtypeOfAny(loader, classFile, List.of("dev/comfyagent/runtime/tool/Tool"))
 *     == SupertypeWalk.Answer.NO) { ... no subtype rule can match ... }
 * }</pre>
 *
 * <p>Thread-safe; headers are kept per class loader (weakly) once read.
 */
final class SupertypeWalk {

  /** What the headers say. */
  enum Answer {
    YES,
    NO,
    UNKNOWN
  }

  private static final String[] UNREADABLE = new String[0];

  private final ClassNameFilter filter;
  private final Map<ClassLoader, Map<String, String[]>> headers = new WeakHashMap<>();

  SupertypeWalk(ClassNameFilter filter) {
    this.filter = filter;
  }

  /**
   * Whether the class of {@code classFile}, defined by {@code loader}, has one of {@code targets}
   * (internal names) among its supertypes.
   */
  Answer isSubtypeOfAny(ClassLoader loader, byte[] classFile, List<String> targets) {
    String[] direct = ClassFileHeader.directSupertypes(classFile);
    if (direct == null) {
      return Answer.UNKNOWN;
    }
    ArrayDeque<String> pending = new ArrayDeque<>();
    Set<String> seen = new HashSet<>();
    add(direct, pending, seen);
    boolean unknown = false;
    while (!pending.isEmpty()) {
      String type = pending.poll();
      if (targets.contains(type)) {
        return Answer.YES;
      }
      if (!filter.mayBeSubtype(type)) {
        continue;
      }
      String[] supertypes = header(loader, type);
      if (supertypes == UNREADABLE) {
        unknown = true;
      } else {
        add(supertypes, pending, seen);
      }
    }
    return unknown ? Answer.UNKNOWN : Answer.NO;
  }

  private static void add(String[] types, ArrayDeque<String> pending, Set<String> seen) {
    for (String type : types) {
      if (type != null && seen.add(type)) {
        pending.add(type);
      }
    }
  }

  /** The direct supertypes of {@code type} as {@code loader} finds its class file, read once. */
  private String[] header(ClassLoader loader, String type) {
    synchronized (headers) {
      Map<String, String[]> known = headers.get(loader);
      String[] supertypes = known == null ? null : known.get(type);
      if (supertypes != null) {
        return supertypes;
      }
    }
    String[] supertypes;
    try (InputStream in = loader.getResourceAsStream(type + ".class")) {
      supertypes = in == null ? null : ClassFileHeader.directSupertypes(in.readAllBytes());
    } catch (IOException | RuntimeException e) {
      supertypes = null;
    }
    if (supertypes == null) {
      supertypes = UNREADABLE;
    }
    synchronized (headers) {
      Map<String, String[]> known = headers.get(loader);
      if (known == null) {
        known = new HashMap<>();
        headers.put(loader, known);
      }
      known.put(type, supertypes);
    }
    return supertypes;
  }
}
