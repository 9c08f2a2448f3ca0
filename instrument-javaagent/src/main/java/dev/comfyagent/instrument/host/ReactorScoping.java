package dev.comfyagent.instrument.host;

import dev.comfyagent.instrument.record.HostReader.CallScope;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Carries a tool call across the Reactor boundary of the host, through Reactor's public API reached
 * with method handles in the host's own class loader (Reactor is never bundled):
 *
 * <ul>
 *   <li>{@link #subscribeWithin}: {@code Mono.create(sink -> source.subscribe(..., context))}, the
 *       scope entered around the source's subscription on the subscribing thread; the sink's
 *       Reactor context is handed to the source, cancellation is passed up.
 *   <li>Once per Reactor: {@code Schedulers.onScheduleHook("comfy-agent", decorator)}; the
 *       decorator returns the task itself unless a scope is current on the scheduling thread, in
 *       which case the task runs within it on the worker ({@code subscribeOn}, {@code publishOn},
 *       delays).
 * </ul>
 *
 * <p>Needs Reactor 3.4 or later ({@code MonoSink#contextView}, {@code Context.of(ContextView)}),
 * which every MCP Java SDK release depends on. Thread-safe.
 */
final class ReactorScoping {

  /** The key of the agent's scheduling hook: one per Reactor, never replacing the host's own. */
  static final String HOOK_KEY = "comfy-agent";

  static final ReactorScoping NONE = new ReactorScoping();

  private final MethodHandle create;
  private final MethodHandle subscribe;
  private final MethodHandle contextOf;
  private final MethodHandle sinkContext;
  private final MethodHandle sinkSuccessValue;
  private final MethodHandle sinkSuccess;
  private final MethodHandle sinkError;
  private final MethodHandle sinkOnCancel;
  private final MethodHandle onScheduleHook;
  private final AtomicBoolean hookRegistered = new AtomicBoolean();

  private ReactorScoping() {
    create = null;
    subscribe = null;
    contextOf = null;
    sinkContext = null;
    sinkSuccessValue = null;
    sinkSuccess = null;
    sinkError = null;
    sinkOnCancel = null;
    onScheduleHook = null;
  }

  private ReactorScoping(Class<?> mono) throws ReflectiveOperationException {
    ClassLoader loader = mono.getClassLoader();
    MethodHandles.Lookup lookup = MethodHandles.publicLookup();
    Class<?> sink = Class.forName("reactor.core.publisher.MonoSink", false, loader);
    Class<?> context = Class.forName("reactor.util.context.Context", false, loader);
    Class<?> contextView = Class.forName("reactor.util.context.ContextView", false, loader);
    Class<?> disposable = Class.forName("reactor.core.Disposable", false, loader);
    Class<?> schedulers = Class.forName("reactor.core.scheduler.Schedulers", false, loader);
    create =
        lookup
            .findStatic(mono, "create", MethodType.methodType(mono, Consumer.class))
            .asType(MethodType.methodType(Object.class, Consumer.class));
    subscribe =
        lookup
            .findVirtual(
                mono,
                "subscribe",
                MethodType.methodType(
                    disposable, Consumer.class, Consumer.class, Runnable.class, context))
            .asType(
                MethodType.methodType(
                    Object.class,
                    Object.class,
                    Consumer.class,
                    Consumer.class,
                    Runnable.class,
                    Object.class));
    contextOf =
        lookup
            .findStatic(context, "of", MethodType.methodType(context, contextView))
            .asType(MethodType.methodType(Object.class, Object.class));
    sinkContext =
        lookup
            .findVirtual(sink, "contextView", MethodType.methodType(contextView))
            .asType(MethodType.methodType(Object.class, Object.class));
    sinkSuccessValue =
        lookup
            .findVirtual(sink, "success", MethodType.methodType(void.class, Object.class))
            .asType(MethodType.methodType(void.class, Object.class, Object.class));
    sinkSuccess =
        lookup
            .findVirtual(sink, "success", MethodType.methodType(void.class))
            .asType(MethodType.methodType(void.class, Object.class));
    sinkError =
        lookup
            .findVirtual(sink, "error", MethodType.methodType(void.class, Throwable.class))
            .asType(MethodType.methodType(void.class, Object.class, Throwable.class));
    sinkOnCancel =
        lookup
            .findVirtual(sink, "onCancel", MethodType.methodType(sink, disposable))
            .asType(MethodType.methodType(void.class, Object.class, Object.class));
    onScheduleHook =
        lookup.findStatic(
            schedulers,
            "onScheduleHook",
            MethodType.methodType(void.class, String.class, Function.class));
  }

  /** The handles of the Reactor that {@code mono} (a {@code Mono} class) belongs to, or NONE. */
  static ReactorScoping of(Class<?> mono) {
    try {
      return new ReactorScoping(mono);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return NONE;
    }
  }

  /** See {@link dev.comfyagent.instrument.record.HostReader#subscribeWithin}. */
  Object subscribeWithin(Object source, CallScope scope, Supplier<CallScope> current)
      throws Throwable {
    if (this == NONE) {
      throw new IllegalStateException(
          source.getClass().getName() + " is not a Mono of Reactor 3.4 or later");
    }
    registerHook(current);
    return (Object) create.invokeExact((Consumer<Object>) sink -> subscribe(source, sink, scope));
  }

  private void subscribe(Object source, Object sink, CallScope scope) {
    Object token = scope.enter();
    try {
      Object context = (Object) contextOf.invokeExact((Object) sinkContext.invokeExact(sink));
      Object subscription =
          (Object)
              subscribe.invokeExact(
                  source,
                  (Consumer<Object>) value -> succeed(sink, value),
                  (Consumer<Object>) error -> fail(sink, (Throwable) error),
                  (Runnable) () -> succeed(sink, null),
                  context);
      sinkOnCancel.invokeExact(sink, subscription);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("subscribing within a tool call", e);
    } finally {
      scope.exit(token);
    }
  }

  private void succeed(Object sink, Object value) {
    try {
      if (value == null) {
        sinkSuccess.invokeExact(sink);
      } else {
        sinkSuccessValue.invokeExact(sink, value);
      }
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  private void fail(Object sink, Throwable error) {
    try {
      sinkError.invokeExact(sink, error);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  private void registerHook(Supplier<CallScope> current) throws Throwable {
    if (hookRegistered.get() || !hookRegistered.compareAndSet(false, true)) {
      return;
    }
    Function<Runnable, Runnable> decorator =
        task -> {
          CallScope scope = current.get();
          return scope == null ? task : new ScopedTask(task, scope);
        };
    onScheduleHook.invokeExact(HOOK_KEY, decorator);
  }

  /** A task scheduled while a scope was current: runs within it on the worker. */
  private record ScopedTask(Runnable task, CallScope scope) implements Runnable {
    @Override
    public void run() {
      Object token = scope.enter();
      try {
        task.run();
      } finally {
        scope.exit(token);
      }
    }
  }
}
