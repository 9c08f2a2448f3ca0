package dev.comfyagent.instrument.weave;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
 * <p>Thread-safe; headers are read once per class loader ({@link LoaderClassFiles}).
 */
final class SupertypeWalk {

  /** What the headers say. */
  enum Answer {
    YES,
    NO,
    UNKNOWN
  }

  private final ClassNameFilter filter;
  private final LoaderClassFiles files;

  /**
   * @param filter says which packages are inert
   * @param files where supertypes' class files are read, once per loader
   */
  SupertypeWalk(ClassNameFilter filter, LoaderClassFiles files) {
    this.filter = filter;
    this.files = files;
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
      LoaderClassFiles.Read read = files.of(loader, type);
      if (read.hasSupertypes()) {
        add(read.directSupertypes(), pending, seen);
      } else {
        unknown = true;
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
}
