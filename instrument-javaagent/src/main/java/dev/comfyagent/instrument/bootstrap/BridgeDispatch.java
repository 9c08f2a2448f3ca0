package dev.comfyagent.instrument.bootstrap;

/**
 * The receiving end of every woven join point, implemented inside the isolated agent class loader
 * and installed with {@link AgentBridge#install}.
 *
 * <p>This interface lives on the bootstrap class path, so it may name JDK types only: everything it
 * receives from the host (tools, requests, results, Resilience4j objects) is typed {@code Object}
 * and read through method handles on the far side.
 *
 * <p>Contract for implementations: never throw (count the failure instead), never block, never
 * print to stdout, and return the host's own values unchanged unless a registered hook asks
 * otherwise. Methods are called concurrently from any host thread.
 */
public interface BridgeDispatch {

  /**
   * A code-layer tool method starts: {@code Tool#call} of the runtime, or a method matched by the
   * {@code tools} option.
   *
   * @param layer {@link AgentBridge#LAYER_TOOL} or {@link AgentBridge#LAYER_PATTERN}
   * @param receiver the tool instance ({@code null} for a static method)
   * @param type the class whose method was woven
   * @param site {@code method name + descriptor} of the woven method, a constant string
   * @param arguments the call's arguments as the layer sees them (the first argument for tools, all
   *     arguments for patterns when tracing, or {@code null})
   * @return a frame handed back to {@link #exitToolCall}, or {@code null} when not tracked
   */
  Object enterToolCall(int layer, Object receiver, Class<?> type, String site, Object arguments);

  /**
   * A tool method tracked by {@link #enterToolCall} or {@link #enterSdkSyncCall} ends.
   *
   * @return the value the method returns: {@code result} itself unless a hook replaced it
   */
  Object exitToolCall(Object frame, Object result, Throwable thrown);

  /** The MCP SDK's synchronous tool adapter runs one {@code tools/call} on the calling thread. */
  Object enterSdkSyncCall(Object exchangeOrContext, Object callToolRequest);

  /**
   * The synchronous adapter of SDK 0.8 to 0.10 runs one {@code tools/call}: it sees the tool's
   * specification and the arguments map, not the request.
   */
  Object enterSdkSyncArgumentsCall(Object toolSpecification, Object exchange, Object arguments);

  /** The MCP SDK's asynchronous {@code tools/call} handler assembles the call's {@code Mono}. */
  Object enterSdkAsyncCall(Object exchangeOrContext, Object rawParams);

  /**
   * The asynchronous handler returns.
   *
   * @return the {@code Mono} to hand to the SDK: the same one, or one with completion callbacks
   *     attached that pass every signal through unchanged
   */
  Object exitSdkAsyncCall(Object frame, Object mono, Throwable thrown);

  /**
   * The SDK wraps a synchronous tool in a {@code Mono} while an asynchronous call is assembled: the
   * synchronous adapter will run (and count) the call, so the asynchronous layer stands back.
   *
   * @param callToolRequestOrArguments the request (0.14 on) or the arguments map (0.8 to 0.10)
   */
  void sdkSyncAdapterAssembled(Object callToolRequestOrArguments);

  /** The SDK session starts handling a JSON-RPC request on this thread; returns a token. */
  Object enterJsonRpcRequest(Object jsonRpcRequest);

  /** Ends what {@link #enterJsonRpcRequest} started. */
  void exitJsonRpcRequest(Object token);

  /** A Resilience4j circuit breaker was constructed. */
  void circuitBreakerCreated(Object circuitBreaker);

  /** A Resilience4j circuit breaker publishes a state transition (a {@code StateTransition}). */
  void circuitBreakerTransition(Object circuitBreaker, Object stateTransition);

  /** A Resilience4j rate limiter was constructed. */
  void rateLimiterCreated(Object rateLimiter);

  /** A Resilience4j rate limiter granted ({@code true}) or refused a permission. */
  void rateLimiterPermission(Object rateLimiter, boolean permitted);

  /** The runtime's session registry was constructed. */
  void sessionRegistryCreated(Object registry);

  /** A session of the runtime's registry was opened or closed. */
  void sessionRegistryChanged(Object registry);

  /**
   * The runtime's registry was used (nearly every tool call): made known if it is not, nothing
   * recounted.
   */
  void sessionRegistryUsed(Object registry);

  /** An MCP SDK server transport was given its session factory: its sessions can be counted. */
  void sdkTransportSeen(Object transport);

  /**
   * An instance of a class the hooks asked to see (a memory probe's class) was constructed, or,
   * after a late attach, one of its public methods was called.
   *
   * @param declaringType the class whose constructor or method was woven (not a subclass)
   */
  void instanceSeen(Class<?> declaringType, Object instance);

  /**
   * The MCP SDK is about to build a server's features ({@code McpServerFeatures.Async} or the
   * stateless one): the hooks may add tools (the agent's {@code get_agent_stats}).
   *
   * @param featuresType the features record being constructed
   * @param capabilities its {@code ServerCapabilities} argument (may be null)
   * @param tools its list of tool specifications (may be null)
   * @return {@code null} to leave both unchanged, else {@code {capabilities, tools}}: new values of
   *     the same types
   */
  Object[] sdkServerFeatures(Class<?> featuresType, Object capabilities, Object tools);

  /** Advice code failed and its exception was suppressed; counted as an internal error. */
  void adviceFailed(Throwable failure);
}
