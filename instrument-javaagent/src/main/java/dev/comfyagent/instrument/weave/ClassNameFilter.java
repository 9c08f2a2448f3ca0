package dev.comfyagent.instrument.weave;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The agent's first ignore rule: decides by string tests on a class's name whether Byte Buddy needs
 * to see the class at all, before any type description is built. Every class the JVM loads passes
 * through the agent's transformer, and describing a class (parsing its class file, resolving its
 * supertypes through its class loader) is where an agent's start-up time goes: agent-runtime loads
 * about 2,600 classes before it answers, and a handful hold a join point.
 *
 * <p>A class is considered when a {@linkplain WeaveRules rule} names it: by its exact name, or by a
 * prefix of its name. The filter is made from the rules themselves, so it lets through every class
 * a rule can match and the two cannot disagree. Rules that match subtypes of a type wherever they
 * are declared ({@linkplain RuntimeToolWeave the runtime's {@code Tool}}, {@code
 * tools=com.acme.Tool+#run}) consider a class when one of its direct supertypes, read from the
 * constant pool of its class file without parsing the rest, is neither a JDK type nor a type of a
 * well-known library (none of which can implement the runtime's interfaces), and the class is not
 * one of those itself. Everything else is passed over.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * ClassNameFilter filter = ClassNameFilter.of(WeaveRules.of(targets, advice));
 * if (filter.considers("com/acme/PingTool", classFileBytes)) { ... hand it to Byte Buddy ... }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class ClassNameFilter {

  /**
   * Packages whose classes can never be subtypes of a type outside them: the JDK's, the agent's
   * own, and libraries that the runtime and MCP servers commonly ship. Internal form.
   */
  static final List<String> INERT_PACKAGES =
      List.of(
          "java/",
          "javax/",
          "jdk/",
          "sun/",
          "com/sun/",
          "dev/comfyagent/instrument/",
          "com/fasterxml/",
          "tools/jackson/",
          "reactor/",
          "org/reactivestreams/",
          "io/modelcontextprotocol/",
          "org/slf4j/",
          "ch/qos/logback/",
          "picocli/",
          "io/github/resilience4j/",
          "io/vavr/",
          "org/eclipse/jetty/",
          "io/netty/",
          "com/networknt/",
          "com/ethlo/",
          "org/yaml/",
          "org/apache/",
          "com/google/",
          "kotlin/",
          "org/jetbrains/",
          "org/junit/",
          "org/assertj/",
          "org/opentest4j/",
          "net/bytebuddy/");

  private static final String AGENT_PACKAGE = "dev/comfyagent/instrument/";

  private final Set<String> exact;
  private final String[] prefixes;
  private final String[] inert;
  private final boolean subtypesAnywhere;

  private ClassNameFilter(
      Set<String> exact, String[] prefixes, String[] inert, boolean subtypesAnywhere) {
    this.exact = exact;
    this.prefixes = prefixes;
    this.inert = inert;
    this.subtypesAnywhere = subtypesAnywhere;
  }

  /**
   * The filter for {@code rules}: the classes they name, and the supertype test when one needs it.
   */
  public static ClassNameFilter of(WeaveRules rules) {
    return of(rules, type -> true);
  }

  /**
   * The filter for {@code rules}, with only the subtype rules whose type {@code loaded} says is
   * loaded (binary names): for classes already loaded, a subtype of a type that never loaded cannot
   * exist.
   */
  public static ClassNameFilter of(WeaveRules rules, Predicate<String> loaded) {
    Set<String> exact = new HashSet<>();
    List<String> prefixes = new ArrayList<>();
    List<String> supertypes = new ArrayList<>();
    for (WeaveRules.Rule rule : rules.rules()) {
      WeaveRules.ClassNames names = rule.names();
      for (String name : names.names()) {
        switch (names.form()) {
          case EXACT -> exact.add(internal(name));
          case PREFIX -> prefixes.add(internal(name));
          case SUBTYPES -> {
            // the type itself by name; its subtypes by their supertypes, once it is loaded
            exact.add(internal(name));
            if (loaded.test(name)) {
              supertypes.add(internal(name));
            }
          }
        }
      }
    }
    // A package is inert only when no rule matches subtypes of a type inside it
    // (tools=org.apache.Foo+#run must see subtypes in other org.apache packages).
    List<String> inert = new ArrayList<>();
    for (String pkg : INERT_PACKAGES) {
      if (supertypes.stream().noneMatch(type -> type.startsWith(pkg))) {
        inert.add(pkg);
      }
    }
    return new ClassNameFilter(
        Set.copyOf(exact),
        prefixes.stream().distinct().toArray(String[]::new),
        inert.toArray(new String[0]),
        !supertypes.isEmpty());
  }

  /**
   * Whether Byte Buddy needs to see the class.
   *
   * @param internalName the class's name with slashes ({@code com/acme/PingTool}), as a {@link
   *     java.lang.instrument.ClassFileTransformer} receives it; {@code null} for hidden classes
   * @param classFile the class file, read only when a subtype rule needs its direct supertypes
   */
  public boolean considers(String internalName, byte[] classFile) {
    if (internalName == null) {
      return false;
    }
    ByName byName = byName(internalName);
    if (byName != ByName.SUPERTYPES_DECIDE) {
      return byName == ByName.CONSIDERED;
    }
    String[] supertypes = ClassFileHeader.directSupertypes(classFile);
    if (supertypes == null) {
      return true; // not readable here: let Byte Buddy decide
    }
    for (String supertype : supertypes) {
      if (supertype != null && !isInert(supertype)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether Byte Buddy needs to see a class that is already loaded (retransformation at start-up or
   * after a late attach): the same rule, the direct supertypes read by reflection.
   */
  public boolean considers(Class<?> type) {
    if (type.isArray() || type.isPrimitive()) {
      return false;
    }
    ByName byName = byName(internal(type.getName()));
    if (byName != ByName.SUPERTYPES_DECIDE) {
      return byName == ByName.CONSIDERED;
    }
    Class<?> superclass = type.getSuperclass();
    if (superclass != null && !isInert(internal(superclass.getName()))) {
      return true;
    }
    for (Class<?> implemented : type.getInterfaces()) {
      if (!isInert(internal(implemented.getName()))) {
        return true;
      }
    }
    return false;
  }

  /** What a class's name alone says. */
  private enum ByName {
    CONSIDERED,
    PASSED_OVER,
    SUPERTYPES_DECIDE
  }

  /**
   * A target's class or package is considered; the agent's own classes, inert packages and, when no
   * target matches subtypes, everything else are passed over; otherwise the supertypes decide.
   */
  private ByName byName(String internalName) {
    if (internalName.startsWith(AGENT_PACKAGE)) {
      return ByName.PASSED_OVER;
    }
    if (exact.contains(internalName)) {
      return ByName.CONSIDERED;
    }
    for (String prefix : prefixes) {
      if (internalName.startsWith(prefix)) {
        return ByName.CONSIDERED;
      }
    }
    if (!subtypesAnywhere || isInert(internalName)) {
      return ByName.PASSED_OVER;
    }
    return ByName.SUPERTYPES_DECIDE;
  }

  /**
   * Whether a class of this name can be a subtype of a type outside the inert packages, by the
   * premise the filter decides by: a class of the JDK or of a well-known library cannot.
   */
  boolean mayBeSubtype(String internalName) {
    return !isInert(internalName);
  }

  private boolean isInert(String internalName) {
    for (String pkg : inert) {
      if (internalName.startsWith(pkg)) {
        return true;
      }
    }
    return false;
  }

  /** The prefixes considered, in internal form (for diagnostics and tests). */
  List<String> prefixes() {
    return Arrays.asList(prefixes.clone());
  }

  /** The exact class names considered, in internal form (for diagnostics and tests). */
  Set<String> exactNames() {
    return exact;
  }

  private static String internal(String binaryName) {
    return binaryName.replace('.', '/');
  }

  @Override
  public String toString() {
    return "ClassNameFilter"
        + new java.util.TreeSet<>(exact)
        + Arrays.toString(prefixes)
        + (subtypesAnywhere ? "+subtypes" : "");
  }
}
