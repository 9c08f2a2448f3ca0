package dev.comfyagent.instrument.host;

import dev.comfyagent.instrument.record.HostReader;
import dev.comfyagent.instrument.record.ToolStatsRegistry;
import dev.comfyagent.instrument.record.TreeReader;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The {@link HostReader} of the running agent: public methods of host classes through method
 * handles, looked up once per class in the class's own loader and invoked without allocation. What
 * every call reads (tool names, {@code isError()}, the SDK's request and exchange, the MDC) goes
 * through {@link InlineCache}s, which the JIT compiles as direct calls of the host's methods; the
 * rest through handles kept per class in a {@link ClassValue}.
 *
 * <p>Member names read: {@code name()} and {@code isError()} of tools and results, {@code
 * name()/arguments()/meta()} of the SDK's {@code CallToolRequest}, {@code sessionId()} of its
 * exchange, {@code id()} of a JSON-RPC request, {@code getName()/getState()} of Resilience4j,
 * {@code size()} of the session registry (or an MCP SDK transport's {@code sessions}/{@code
 * session} field), SLF4J's static {@code MDC.get(String)}, and Reactor's {@code
 * Mono.doOnSuccess/doOnError/doOnCancel}.
 *
 * <p>Thread-safe.
 */
public final class MethodHandleHostReader implements HostReader {

  private static final String MDC_KEY = RuntimeContract.MDC_CORRELATION_ID;

  /**
   * Links an inline cache makes before it looks handles up by class on every call; a link serves
   * all the classes of the type its method was found on (all of a host's tools, by their public
   * interface).
   */
  private static final int CACHED_CLASSES = 4;

  private static final MethodHandle NULL_READER =
      MethodHandles.dropArguments(MethodHandles.constant(Object.class, null), 0, Object.class);

  private static final MethodHandle IS_TRUE;

  static {
    try {
      IS_TRUE =
          MethodHandles.lookup()
              .findStatic(
                  MethodHandleHostReader.class,
                  "isTrue",
                  MethodType.methodType(boolean.class, Object.class));
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  // Read on every call (tool names, results, the SDK's request and exchange, the MDC): through
  // inline caches, which the JIT compiles as direct calls (see InlineCache). Tool#name() of the
  // runtime; the SDK's CallToolRequest and Tool name theirs the same way.
  private static final MethodHandle NAME = reader(RuntimeContract.TOOL_NAME, Object.class);
  private static final MethodHandle ARGUMENTS = reader("arguments", Map.class);
  private static final MethodHandle TOOL = reader("tool", Object.class);
  private static final MethodHandle META = reader("meta", Map.class);
  private static final MethodHandle SESSION_ID = reader("sessionId", String.class);
  private static final MethodHandle ID = reader("id", Object.class);
  private static final MethodHandle IS_ERROR =
      InlineCache.byReceiver(
          MethodType.methodType(boolean.class, Object.class),
          MethodHandleHostReader::isErrorOf,
          CACHED_CLASSES);

  private static final MethodHandle MDC_GET =
      InlineCache.byClassArgument(
          MethodType.methodType(String.class, Class.class),
          MethodHandleHostReader::mdcGetOf,
          CACHED_CLASSES);

  // Read now and then (metrics, breakers): looked up per class.
  private static final Accessor GET_NAME = new Accessor("getName", String.class);
  private static final Accessor GET_STATE = new Accessor("getState", Object.class);
  private static final Accessor SIZE = new Accessor(RuntimeContract.SIZE, int.class);

  private static final ClassValue<ConcurrentHashMap<String, PatternSite>> PATTERN_SITES =
      new ClassValue<>() {
        @Override
        protected ConcurrentHashMap<String, PatternSite> computeValue(Class<?> type) {
          return new ConcurrentHashMap<>();
        }
      };

  /**
   * The field in which an MCP SDK server transport keeps its sessions: {@code sessions} (a map by
   * session id: the HTTP transports) or {@code session} (the stdio transport's one), read as {@code
   * (Object) -> Object}; null when the class has neither or they cannot be read.
   */
  private static final ClassValue<MethodHandle> TRANSPORT_SESSIONS =
      new ClassValue<>() {
        @Override
        protected MethodHandle computeValue(Class<?> type) {
          for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (String name : new String[] {"sessions", "session"}) {
              try {
                java.lang.reflect.Field field = c.getDeclaredField(name);
                if (java.lang.reflect.Modifier.isStatic(field.getModifiers())
                    || (name.equals("sessions") && !Map.class.isAssignableFrom(field.getType()))) {
                  continue;
                }
                field.setAccessible(true);
                return MethodHandles.lookup()
                    .unreflectGetter(field)
                    .asType(MethodType.methodType(Object.class, Object.class));
              } catch (ReflectiveOperationException | RuntimeException e) {
                // not this name, or not readable (a transport in a named module): next
              }
            }
          }
          return null;
        }
      };

  private static final ClassValue<ReactorScoping> SCOPING =
      new ClassValue<>() {
        @Override
        protected ReactorScoping computeValue(Class<?> mono) {
          return ReactorScoping.of(mono);
        }
      };

  private static final ClassValue<MonoMethods> MONO =
      new ClassValue<>() {
        @Override
        protected MonoMethods computeValue(Class<?> type) {
          return MonoMethods.of(type);
        }
      };

  private final TreeReader trees = new JacksonTreeReader();

  @Override
  public TreeReader treeReader() {
    return trees;
  }

  @Override
  public String toolName(Object tool, Class<?> type) {
    if (tool != null) {
      Object name = read(NAME, tool);
      if (name instanceof String s) {
        return s;
      }
    }
    return simpleName(type);
  }

  @Override
  public String patternName(Class<?> type, String site) {
    return patternSite(type, site).name;
  }

  @Override
  public String[] parameterNames(Class<?> type, String site) {
    return patternSite(type, site).parameterNames;
  }

  @Override
  public boolean isErrorResult(Object result) {
    if (result == null) {
      return false;
    }
    try {
      return (boolean) IS_ERROR.invokeExact(result);
    } catch (Throwable e) {
      return false;
    }
  }

  @Override
  public String mdcCorrelationId(Class<?> hostType) {
    if (hostType == null) {
      return null;
    }
    try {
      String id = (String) MDC_GET.invokeExact(hostType);
      return id == null || id.isEmpty() ? null : id;
    } catch (Throwable e) {
      return null;
    }
  }

  @Override
  public String requestName(Object callToolRequest) {
    Object name = callToolRequest == null ? null : read(NAME, callToolRequest);
    return name instanceof String s ? s : null;
  }

  @Override
  public String specificationToolName(Object toolSpecification) {
    Object tool = toolSpecification == null ? null : read(TOOL, toolSpecification);
    Object name = tool == null ? null : read(NAME, tool);
    return name instanceof String s ? s : null;
  }

  @Override
  public Map<?, ?> requestArguments(Object callToolRequest) {
    return callToolRequest == null ? null : (Map<?, ?>) read(ARGUMENTS, callToolRequest);
  }

  @Override
  public Map<?, ?> requestMeta(Object callToolRequest) {
    return callToolRequest == null ? null : (Map<?, ?>) read(META, callToolRequest);
  }

  @Override
  public String sessionId(Object exchangeOrContext) {
    return exchangeOrContext == null ? null : (String) read(SESSION_ID, exchangeOrContext);
  }

  @Override
  public Object jsonRpcId(Object jsonRpcRequest) {
    return jsonRpcRequest == null ? null : read(ID, jsonRpcRequest);
  }

  @Override
  public String resilienceName(Object breakerOrLimiter) {
    return breakerOrLimiter == null ? null : (String) GET_NAME.call(breakerOrLimiter);
  }

  @Override
  public String circuitBreakerState(Object circuitBreaker) {
    Object state = circuitBreaker == null ? null : GET_STATE.call(circuitBreaker);
    return state instanceof Enum<?> e ? e.name() : state == null ? null : state.toString();
  }

  @Override
  public int sessionCount(Object registry) {
    if (registry == null) {
      return -1;
    }
    MethodHandle size = SIZE.handle(registry);
    try {
      if (size != null) {
        return (int) size.invokeExact(registry);
      }
      MethodHandle sessions = TRANSPORT_SESSIONS.get(registry.getClass());
      if (sessions == null) {
        return -1;
      }
      Object held = (Object) sessions.invokeExact(registry);
      if (held instanceof Map<?, ?> map) {
        return map.size();
      }
      return held == null ? 0 : 1;
    } catch (Throwable e) {
      return -1;
    }
  }

  @Override
  public Object observeMono(Object mono, MonoObserver observer) {
    MonoMethods methods = MONO.get(mono.getClass());
    if (methods == MonoMethods.NONE) {
      throw new IllegalStateException(mono.getClass().getName() + " is not a Reactor Mono");
    }
    try {
      Object observed =
          methods.doOnSuccess.invokeExact(mono, (Object) new Callback(observer, true));
      observed = methods.doOnError.invokeExact(observed, (Object) new Callback(observer, false));
      return methods.doOnCancel.invokeExact(observed, (Object) new Callback(observer, false));
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("observing " + mono.getClass().getName(), e);
    }
  }

  @Override
  public Object subscribeWithin(
      Object mono, CallScope scope, java.util.function.Supplier<CallScope> current) {
    Class<?> type = HostMethods.superclassNamed(mono.getClass(), "reactor.core.publisher.Mono");
    if (type == null) {
      throw new IllegalStateException(mono.getClass().getName() + " is not a Reactor Mono");
    }
    try {
      return SCOPING.get(type).subscribeWithin(mono, scope, current);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("scoping " + mono.getClass().getName(), e);
    }
  }

  /**
   * An inline cache over the public no-argument method {@code name} returning {@code returns} (or a
   * subtype), as {@code (Object) -> Object}; a class without one reads null.
   */
  private static MethodHandle reader(String name, Class<?> returns) {
    return InlineCache.byReceiver(
        MethodType.methodType(Object.class, Object.class),
        type -> {
          HostMethods.Found found = HostMethods.noArgsForAll(type, name, returns);
          return found == null
              ? InlineCache.Link.forClass(type, NULL_READER)
              : InlineCache.Link.forInstancesOf(found.on(), found.handle());
        },
        CACHED_CLASSES);
  }

  /** What {@code reader} reads from a non-null {@code target}; null when it throws. */
  private static Object read(MethodHandle reader, Object target) {
    try {
      return (Object) reader.invokeExact(target);
    } catch (Throwable e) {
      return null;
    }
  }

  /**
   * {@code isError()} of a result class as {@code (Object) -> boolean}: a {@code boolean} one, a
   * {@code Boolean} one (null is false), or false when the class has neither.
   */
  private static InlineCache.Link isErrorOf(Class<?> type) {
    HostMethods.Found primitive = HostMethods.noArgsForAll(type, "isError", boolean.class);
    if (primitive != null) {
      return InlineCache.Link.forInstancesOf(primitive.on(), primitive.handle());
    }
    HostMethods.Found boxed = HostMethods.noArgsForAll(type, "isError", Boolean.class);
    if (boxed != null) {
      return InlineCache.Link.forInstancesOf(
          boxed.on(), MethodHandles.filterReturnValue(boxed.handle(), IS_TRUE));
    }
    return InlineCache.Link.forClass(
        type,
        MethodHandles.dropArguments(MethodHandles.constant(boolean.class, false), 0, Object.class));
  }

  /**
   * SLF4J's {@code MDC.get("correlation_id")} as {@code hostType}'s loader sees it, as {@code
   * (Class) -> String}; null when that loader sees no SLF4J.
   */
  private static InlineCache.Link mdcGetOf(Class<?> hostType) {
    MethodHandle get = null;
    Class<?> mdc = HostMethods.visibleClass(hostType, "org.slf4j.MDC");
    if (mdc != null) {
      try {
        get =
            MethodHandles.insertArguments(
                MethodHandles.publicLookup()
                    .findStatic(mdc, "get", MethodType.methodType(String.class, String.class)),
                0,
                MDC_KEY);
      } catch (ReflectiveOperationException | RuntimeException e) {
        get = null;
      }
    }
    if (get == null) {
      get = MethodHandles.constant(String.class, null);
    }
    // What MDC a class sees depends on its loader only: one link serves all of a loader's tools.
    return InlineCache.Link.forClassesOf(
        hostType.getClassLoader(), MethodHandles.dropArguments(get, 0, Class.class));
  }

  private static boolean isTrue(Object value) {
    return Boolean.TRUE.equals(value);
  }

  private static String simpleName(Class<?> type) {
    if (type == null) {
      return ToolStatsRegistry.UNKNOWN;
    }
    String simple = type.getSimpleName();
    return simple.isEmpty() ? type.getName() : simple;
  }

  private static PatternSite patternSite(Class<?> type, String site) {
    ConcurrentHashMap<String, PatternSite> sites = PATTERN_SITES.get(type);
    PatternSite known = sites.get(site);
    return known != null ? known : sites.computeIfAbsent(site, s -> PatternSite.of(type, s));
  }

  /** A public no-argument method found per class; {@link #call} returns null when missing. */
  private static final class Accessor extends ClassValue<MethodHandle> {
    private final String name;
    private final Class<?> returns;

    Accessor(String name, Class<?> returns) {
      this.name = name;
      this.returns = returns;
    }

    @Override
    protected MethodHandle computeValue(Class<?> type) {
      return HostMethods.noArgs(type, name, returns);
    }

    MethodHandle handle(Object target) {
      return get(target.getClass());
    }

    Object call(Object target) {
      MethodHandle handle = get(target.getClass());
      if (handle == null || returns.isPrimitive()) {
        return null;
      }
      try {
        return (Object) handle.invokeExact(target);
      } catch (Throwable e) {
        return null;
      }
    }
  }

  /** The name and parameter names of a method woven by a {@code tools} pattern. */
  private record PatternSite(String name, String[] parameterNames) {

    static PatternSite of(Class<?> type, String site) {
      int paren = site.indexOf('(');
      String method = paren < 0 ? site : site.substring(0, paren);
      String descriptor = paren < 0 ? "" : site.substring(paren);
      String[] names = null;
      try {
        for (Method m : type.getDeclaredMethods()) {
          if (m.getName().equals(method)
              && MethodType.methodType(m.getReturnType(), m.getParameterTypes())
                  .toMethodDescriptorString()
                  .equals(descriptor)) {
            Parameter[] parameters = m.getParameters();
            names = new String[parameters.length];
            for (int i = 0; i < parameters.length; i++) {
              names[i] = parameters[i].getName();
            }
            break;
          }
        }
      } catch (LinkageError | SecurityException e) {
        names = null;
      }
      return new PatternSite(simpleName(type) + "#" + method, names);
    }
  }

  /** Reactor's {@code Mono} callbacks, found on the {@code Mono} class the host loaded. */
  private record MonoMethods(
      MethodHandle doOnSuccess, MethodHandle doOnError, MethodHandle doOnCancel) {

    static final MonoMethods NONE = new MonoMethods(null, null, null);

    static MonoMethods of(Class<?> type) {
      Class<?> mono = HostMethods.superclassNamed(type, "reactor.core.publisher.Mono");
      if (mono == null) {
        return NONE;
      }
      try {
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        MethodType erased = MethodType.methodType(Object.class, Object.class, Object.class);
        return new MonoMethods(
            lookup
                .findVirtual(mono, "doOnSuccess", MethodType.methodType(mono, Consumer.class))
                .asType(erased),
            lookup
                .findVirtual(mono, "doOnError", MethodType.methodType(mono, Consumer.class))
                .asType(erased),
            lookup
                .findVirtual(mono, "doOnCancel", MethodType.methodType(mono, Runnable.class))
                .asType(erased));
      } catch (ReflectiveOperationException | RuntimeException e) {
        return NONE;
      }
    }
  }

  /** Passes a {@code Mono}'s signals to an observer; the signals themselves are untouched. */
  private static final class Callback implements Consumer<Object>, Runnable {
    private final MonoObserver observer;
    private final boolean success;

    Callback(MonoObserver observer, boolean success) {
      this.observer = observer;
      this.success = success;
    }

    @Override
    public void accept(Object value) {
      if (success) {
        observer.succeeded(value);
      } else {
        observer.failed(value instanceof Throwable t ? t : null);
      }
    }

    @Override
    public void run() {
      observer.cancelled();
    }
  }
}
