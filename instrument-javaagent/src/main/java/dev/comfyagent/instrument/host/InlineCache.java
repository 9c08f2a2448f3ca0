package dev.comfyagent.instrument.host;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.MutableCallSite;
import java.util.function.Function;

/**
 * A host method that the JIT compiles as a direct call: the handle that reads a host class is found
 * per class, but a handle taken from a {@link ClassValue} or any field that is not {@code static
 * final} is not a constant to the JIT, so every call through it is an out-of-line {@code
 * invokeBasic}. This is an inline cache, as an {@code invokedynamic} call site keeps one: a {@link
 * MutableCallSite} whose target tests the class it meets against the classes linked so far, each
 * with its handle bound in, and links the next class on a miss. Held in a {@code static final}
 * field, its {@linkplain #byReceiverClass invoker} is a constant, and the JIT inlines the test and
 * the host method behind it (and compiles again when a class is linked).
 *
 * <p>A {@link Link} may serve more than the class it was made for: a method found on a public
 * interface serves every class that implements it (one link for all of a host's tools), a static
 * method of a loader's SLF4J every class of that loader. At most {@code maxLinks} links are made.
 * The site then gives up testing, and every call looks its handle up by class in a {@link
 * ClassValue} (what the cache spares while it holds): the linked classes and loaders, which the
 * site kept reachable, are let go then, so a host that discards class loaders keeps at most {@code
 * maxLinks} of its classes or loaders per cache alive.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * static final MethodHandle NAME = InlineCache.byReceiverClass(
 *     MethodType.methodType(Object.class, Object.class), type -> nameHandleOf(type), 4);
 * Object name = (Object) NAME.invokeExact(tool);   // tool must not be null
 * }</pre>
 *
 * <p>Thread-safe: linking is synchronized; a call that races a link runs the older target, which is
 * as correct.
 */
final class InlineCache {

  private static final MethodHandle SAME_CLASS;
  private static final MethodHandle SAME;
  private static final MethodHandle INSTANCE_OF;
  private static final MethodHandle SAME_LOADER;
  private static final MethodHandle MISS;
  private static final MethodHandle HANDLE_FOR_RECEIVER;
  private static final MethodHandle HANDLE_FOR_CLASS;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      MethodType test = MethodType.methodType(boolean.class, Class.class, Object.class);
      SAME_CLASS = lookup.findStatic(InlineCache.class, "sameClass", test);
      SAME = lookup.findStatic(InlineCache.class, "same", test);
      INSTANCE_OF = lookup.findVirtual(Class.class, "isInstance", test.dropParameterTypes(0, 1));
      SAME_LOADER =
          lookup.findStatic(
              InlineCache.class,
              "sameLoader",
              MethodType.methodType(boolean.class, ClassLoader.class, Object.class));
      MISS =
          lookup.findVirtual(
              InlineCache.class, "miss", MethodType.methodType(Object.class, Object.class));
      MethodType handleFor =
          MethodType.methodType(MethodHandle.class, ClassValue.class, Object.class);
      HANDLE_FOR_RECEIVER = lookup.findStatic(InlineCache.class, "handleForReceiver", handleFor);
      HANDLE_FOR_CLASS = lookup.findStatic(InlineCache.class, "handleForClass", handleFor);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * What one class links to: the handle to call, and the test of the first argument under which the
   * handle serves (which may cover more than that one class, so that one link serves them all).
   *
   * @param handle of exactly the cache's type
   * @param test {@code (Object) -> boolean} over the first argument
   */
  record Link(MethodHandle handle, MethodHandle test) {

    /** {@code handle} serves receivers of exactly the class {@code type}. */
    static Link forClass(Class<?> type, MethodHandle handle) {
      return new Link(handle, MethodHandles.insertArguments(SAME_CLASS, 0, type));
    }

    /**
     * {@code handle} serves every instance of {@code type} (a method found on a public supertype
     * serves all its implementations: one link for all of a host's tool classes).
     */
    static Link forInstancesOf(Class<?> type, MethodHandle handle) {
      return java.lang.reflect.Modifier.isFinal(type.getModifiers())
          ? forClass(type, handle)
          : new Link(handle, INSTANCE_OF.bindTo(type));
    }

    /** {@code handle} serves the class argument {@code type} itself. */
    static Link forClassArgument(Class<?> type, MethodHandle handle) {
      return new Link(handle, MethodHandles.insertArguments(SAME, 0, type));
    }

    /** {@code handle} serves every class argument defined by {@code loader}. */
    static Link forClassesOf(ClassLoader loader, MethodHandle handle) {
      return new Link(handle, MethodHandles.insertArguments(SAME_LOADER, 0, loader));
    }
  }

  private final MutableCallSite site;
  private final ClassValue<Link> links;
  private final ClassValue<MethodHandle> handles;
  private final boolean keyedByClassArgument;
  private final int maxLinks;
  private final MethodHandle megamorphic;
  private int linked;

  private InlineCache(
      MethodType type, Function<Class<?>, Link> link, boolean keyedByClassArgument, int maxLinks) {
    if (type.parameterCount() < 1) {
      throw new IllegalArgumentException("an inline cache needs a first argument: " + type);
    }
    this.keyedByClassArgument = keyedByClassArgument;
    this.maxLinks = maxLinks;
    this.links =
        new ClassValue<>() {
          @Override
          protected Link computeValue(Class<?> key) {
            Link linked = link.apply(key);
            if (!linked.handle().type().equals(type)) {
              throw new IllegalStateException(
                  "linked " + linked.handle().type() + " where the cache calls " + type);
            }
            return linked;
          }
        };
    this.handles =
        new ClassValue<>() {
          @Override
          protected MethodHandle computeValue(Class<?> key) {
            return links.get(key).handle();
          }
        };
    this.site = new MutableCallSite(type);
    // Looks up the handle of the first argument's class and calls it with all the arguments.
    this.megamorphic =
        MethodHandles.foldArguments(
            MethodHandles.exactInvoker(type),
            MethodHandles.insertArguments(
                    keyedByClassArgument ? HANDLE_FOR_CLASS : HANDLE_FOR_RECEIVER, 0, handles)
                .asType(MethodType.methodType(MethodHandle.class, type.parameterType(0))));
    MethodHandle miss =
        MethodHandles.insertArguments(MISS, 0, this)
            .asType(MethodType.methodType(MethodHandle.class, type.parameterType(0)));
    // miss(first) relinks and answers the handle to run; the call then runs it with all arguments.
    this.site.setTarget(MethodHandles.foldArguments(MethodHandles.exactInvoker(type), miss));
  }

  /**
   * An invoker of {@code type} that calls, for a first argument of class {@code C} (never null),
   * the handle {@code link} returns for {@code C} (of exactly {@code type}; looked up once per
   * class).
   */
  static MethodHandle byReceiverClass(
      MethodType type, Function<Class<?>, MethodHandle> link, int maxClasses) {
    return byReceiver(type, c -> Link.forClass(c, link.apply(c)), maxClasses);
  }

  /**
   * An invoker of {@code type} that calls, for a first argument of class {@code C} (never null),
   * the handle of the {@link Link} that {@code link} returns for {@code C}, under that link's test.
   */
  static MethodHandle byReceiver(MethodType type, Function<Class<?>, Link> link, int maxLinks) {
    return new InlineCache(type, link, false, maxLinks).site.dynamicInvoker();
  }

  /**
   * An invoker of {@code type}, whose first argument is a {@code Class} (never null), that calls
   * the handle {@code link} returns for that class.
   */
  static MethodHandle byClassArgument(
      MethodType type, Function<Class<?>, Link> link, int maxLinks) {
    return new InlineCache(type, link, true, maxLinks).site.dynamicInvoker();
  }

  /** Links the first argument's class, and answers its handle for this call. */
  private synchronized Object miss(Object first) {
    Class<?> key = keyedByClassArgument ? (Class<?>) first : first.getClass();
    Link link = links.get(key);
    if (linked < maxLinks) {
      MethodHandle test =
          link.test().asType(MethodType.methodType(boolean.class, site.type().parameterType(0)));
      site.setTarget(MethodHandles.guardWithTest(test, link.handle(), site.getTarget()));
      linked++;
    } else if (linked == maxLinks) {
      site.setTarget(megamorphic);
      linked++;
    }
    return link.handle();
  }

  private static boolean sameClass(Class<?> expected, Object receiver) {
    return receiver.getClass() == expected;
  }

  private static boolean same(Class<?> expected, Object type) {
    return type == expected;
  }

  private static boolean sameLoader(ClassLoader expected, Object type) {
    return ((Class<?>) type).getClassLoader() == expected;
  }

  private static MethodHandle handleForReceiver(ClassValue<MethodHandle> handles, Object receiver) {
    return handles.get(receiver.getClass());
  }

  private static MethodHandle handleForClass(ClassValue<MethodHandle> handles, Object type) {
    return handles.get((Class<?>) type);
  }
}
