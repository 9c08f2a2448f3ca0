package dev.comfyagent.instrument.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InlineCacheTest {

  private static final MethodType READ = MethodType.methodType(Object.class, Object.class);

  private final ConcurrentHashMap<Class<?>, AtomicInteger> links = new ConcurrentHashMap<>();

  /** Links each class to a handle answering its name, counting the links. */
  private MethodHandle nameOfClass(Class<?> type) {
    links.computeIfAbsent(type, t -> new AtomicInteger()).incrementAndGet();
    return MethodHandles.dropArguments(
        MethodHandles.constant(Object.class, type.getName()), 0, Object.class);
  }

  private static Object call(MethodHandle cache, Object receiver) throws Throwable {
    return (Object) cache.invokeExact(receiver);
  }

  @Test
  void callsTheHandleLinkedForTheReceiversClassLinkingEachClassOnce() throws Throwable {
    MethodHandle cache = InlineCache.byReceiverClass(READ, this::nameOfClass, 4);

    for (int i = 0; i < 3; i++) {
      assertThat(call(cache, "text")).isEqualTo("java.lang.String");
      assertThat(call(cache, 7)).isEqualTo("java.lang.Integer");
      assertThat(call(cache, 7L)).isEqualTo("java.lang.Long");
    }

    assertThat(links).hasSize(3).allSatisfy((type, count) -> assertThat(count).hasValue(1));
  }

  @Test
  void answersRightForMoreClassesThanItLinks() throws Throwable {
    MethodHandle cache = InlineCache.byReceiverClass(READ, this::nameOfClass, 2);
    List<Object> receivers = List.of("a", 1, 2L, 3.0, 'c', true, new Object());

    for (int round = 0; round < 3; round++) {
      for (Object receiver : receivers) {
        assertThat(call(cache, receiver)).isEqualTo(receiver.getClass().getName());
      }
    }

    assertThat(links).hasSize(receivers.size());
    assertThat(links.values()).allSatisfy(count -> assertThat(count).hasValue(1));
  }

  @Test
  void aClassArgumentKeysTheCacheByThatClass() throws Throwable {
    MethodHandle cache =
        InlineCache.byClassArgument(
            MethodType.methodType(String.class, Class.class),
            type ->
                InlineCache.Link.forClassArgument(
                    type,
                    MethodHandles.dropArguments(
                        MethodHandles.constant(String.class, "of " + type.getSimpleName()),
                        0,
                        Class.class)),
            1);

    assertThat((String) cache.invokeExact((Class<?>) String.class)).isEqualTo("of String");
    assertThat((String) cache.invokeExact((Class<?>) Integer.class)).isEqualTo("of Integer");
    assertThat((String) cache.invokeExact((Class<?>) String.class)).isEqualTo("of String");
  }

  @Test
  void oneLinkForASupertypeServesEveryClassOfItWithoutLinkingThemAgain() throws Throwable {
    MethodHandle length =
        MethodHandles.publicLookup()
            .findVirtual(CharSequence.class, "length", MethodType.methodType(int.class))
            .asType(MethodType.methodType(Object.class, Object.class));
    AtomicInteger linkCalls = new AtomicInteger();
    MethodHandle cache =
        InlineCache.byReceiver(
            READ,
            type -> {
              linkCalls.incrementAndGet();
              return CharSequence.class.isAssignableFrom(type)
                  ? InlineCache.Link.forInstancesOf(CharSequence.class, length)
                  : InlineCache.Link.forClass(type, nameOfClass(type));
            },
            2);

    assertThat(call(cache, "four")).isEqualTo(4);
    assertThat(call(cache, new StringBuilder("three"))).isEqualTo(5);
    assertThat(call(cache, java.nio.CharBuffer.wrap("xy"))).isEqualTo(2);
    assertThat(call(cache, 1)).isEqualTo("java.lang.Integer");
    assertThat(call(cache, new StringBuilder("still"))).isEqualTo(5);

    assertThat(linkCalls).as("one link for the char sequences, one for Integer").hasValue(2);
  }

  @Test
  void oneLinkForALoaderServesEveryClassItDefined() throws Throwable {
    AtomicInteger linkCalls = new AtomicInteger();
    MethodHandle cache =
        InlineCache.byClassArgument(
            MethodType.methodType(String.class, Class.class),
            type -> {
              linkCalls.incrementAndGet();
              return InlineCache.Link.forClassesOf(
                  type.getClassLoader(),
                  MethodHandles.dropArguments(
                      MethodHandles.constant(String.class, "loader " + type.getClassLoader()),
                      0,
                      Class.class));
            },
            2);
    ClassLoader mine = InlineCacheTest.class.getClassLoader();

    assertThat((String) cache.invokeExact((Class<?>) InlineCacheTest.class))
        .isEqualTo("loader " + mine);
    assertThat((String) cache.invokeExact((Class<?>) InlineCache.class))
        .isEqualTo("loader " + mine);
    assertThat((String) cache.invokeExact((Class<?>) String.class)).isEqualTo("loader null");

    assertThat(linkCalls).as("one link for this loader, one for the boot loader").hasValue(2);
  }

  @Test
  void whatTheLinkedHandleThrowsReachesTheCaller() throws Throwable {
    MethodHandle fails =
        MethodHandles.dropArguments(
            MethodHandles.throwException(Object.class, IllegalStateException.class)
                .bindTo(new IllegalStateException("host method failed")),
            0,
            Object.class);
    MethodHandle cache = InlineCache.byReceiverClass(READ, type -> fails, 4);

    assertThatThrownBy(() -> call(cache, "x")).hasMessage("host method failed");
  }

  @Test
  void aLinkOfTheWrongTypeIsRefusedByName() {
    MethodHandle cache =
        InlineCache.byReceiverClass(
            READ, type -> MethodHandles.constant(Object.class, "no argument"), 4);

    assertThatThrownBy(() -> call(cache, "x"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("where the cache calls (Object)Object");
  }

  @Test
  void keepsItsLinkedClassesReachableOnlyUntilItStopsLinking() throws Throwable {
    MethodHandle cache = InlineCache.byReceiverClass(READ, this::nameOfClass, 1);
    WeakReference<Class<?>> probe = new WeakReference<>(callWithUnloadableClass(cache));

    collectGarbage(() -> probe.get() == null, 3);
    assertThat(probe.get()).as("linked: the site holds the class").isNotNull();

    call(cache, "another class: the cache stops linking");
    links.clear();

    assertThat(collectGarbage(() -> probe.get() == null, 100))
        .as("the class is let go once the cache looks classes up instead")
        .isTrue();
  }

  /** Calls the cache with an instance of a fresh hidden class; returns that class. */
  private Class<?> callWithUnloadableClass(MethodHandle cache) throws Throwable {
    byte[] bytes;
    try (InputStream in = InlineCacheTest.class.getResourceAsStream("InlineCacheProbe.class")) {
      bytes = in.readAllBytes();
    }
    Class<?> hidden = MethodHandles.lookup().defineHiddenClass(bytes, true).lookupClass();
    Object instance = hidden.getDeclaredConstructor().newInstance();
    assertThat(call(cache, instance)).isEqualTo(hidden.getName());
    return hidden;
  }

  private static boolean collectGarbage(java.util.function.BooleanSupplier done, int tries)
      throws InterruptedException {
    for (int i = 0; i < tries && !done.getAsBoolean(); i++) {
      System.gc();
      Thread.sleep(10);
    }
    return done.getAsBoolean();
  }
}

/**
 * Defined anew as a hidden class by {@link InlineCacheTest}, which the JVM unloads once nothing
 * reaches it.
 */
final class InlineCacheProbe {
  InlineCacheProbe() {}
}
