package dev.comfyagent.instrument.record;

import java.util.Map;

/**
 * Reads the host objects the agent sees at join points, without linking to their classes: the
 * implementation looks up method handles in each class's own loader and caches them per class.
 *
 * <p>Every method is safe to call with any object: when the expected member is missing it returns
 * the documented fallback instead of throwing. Implementations are thread-safe, and the methods
 * used on the hot path ({@link #toolName}, {@link #isErrorResult}) allocate nothing once warm.
 */
public interface HostReader {

  /** Reads the host's JSON tree nodes (for input summaries of {@code Tool#call} arguments). */
  TreeReader treeReader();

  /** The name of a runtime tool: its {@code name()}; the class's simple name as a fallback. */
  String toolName(Object tool, Class<?> type);

  /** The name of a method matched by a {@code tools} pattern: {@code SimpleClassName#method}. */
  String patternName(Class<?> type, String site);

  /** The parameter names of a woven method ({@code arg0...} when not compiled with them). */
  String[] parameterNames(Class<?> type, String site);

  /**
   * Whether a tool's result reports failure through {@code isError()} ({@code boolean} or {@code
   * Boolean}).
   */
  boolean isErrorResult(Object result);

  /**
   * The host's SLF4J MDC {@code correlation_id} as seen from {@code hostType}'s loader, or null.
   */
  String mdcCorrelationId(Class<?> hostType);

  /** The {@code name()} of an MCP {@code CallToolRequest}, or null. */
  String requestName(Object callToolRequest);

  /** The {@code tool().name()} of an MCP SDK tool specification, or null. */
  String specificationToolName(Object toolSpecification);

  /** The {@code arguments()} of an MCP {@code CallToolRequest}, or null. */
  Map<?, ?> requestArguments(Object callToolRequest);

  /** The {@code meta()} ({@code _meta}) of an MCP {@code CallToolRequest}, or null. */
  Map<?, ?> requestMeta(Object callToolRequest);

  /** The {@code sessionId()} of an MCP server exchange, or null (stateless contexts have none). */
  String sessionId(Object exchangeOrContext);

  /** The {@code id()} of a JSON-RPC request (a number or a string), or null. */
  Object jsonRpcId(Object jsonRpcRequest);

  /** The {@code getName()} of a Resilience4j circuit breaker or rate limiter, or null. */
  String resilienceName(Object breakerOrLimiter);

  /** The current {@code getState()} of a Resilience4j circuit breaker, or null. */
  String circuitBreakerState(Object circuitBreaker);

  /**
   * The {@code size()} of the runtime's session registry, or the sessions an MCP SDK server
   * transport holds (its {@code sessions} map's size, or 1 for its one {@code session}), or -1.
   */
  int sessionCount(Object registry);

  /**
   * The same Reactor {@code Mono} with completion callbacks that report its outcome to {@code
   * observer}; every signal passes through unchanged.
   *
   * @throws IllegalStateException when {@code mono} is not a Reactor {@code Mono}
   */
  Object observeMono(Object mono, MonoObserver observer);

  /**
   * The same Reactor {@code Mono}, subscribed to its source within {@code scope}: the scope is
   * entered on the thread that subscribes for as long as the source's subscription runs there (a
   * {@code Mono.fromCallable} runs its callable then), and work the source hands to a Reactor
   * scheduler meanwhile runs within the scope that {@code current} gives at the time it is
   * scheduled (see {@link #subscribeWithin}'s implementation: a {@code Schedulers.onScheduleHook}
   * of the host's Reactor, registered once). Every signal passes through unchanged, the
   * subscriber's Reactor context included.
   *
   * @throws IllegalStateException when {@code mono} is not a Reactor {@code Mono} of 3.4 or later
   */
  Object subscribeWithin(
      Object mono, CallScope scope, java.util.function.Supplier<CallScope> current);

  /** Something entered on a thread and left on the same thread. */
  interface CallScope {
    /** Enters the scope on the calling thread; returns what {@link #exit} needs. */
    Object enter();

    /** Leaves what {@link #enter} entered, on the same thread. */
    void exit(Object token);
  }

  /** Receives the outcome of an observed {@code Mono}; at most one method is called once. */
  interface MonoObserver {
    /** The Mono emitted {@code value} (or completed empty: {@code value == null}). */
    void succeeded(Object value);

    /** The Mono failed. */
    void failed(Throwable error);

    /** The subscriber cancelled before an outcome. */
    void cancelled();
  }
}
