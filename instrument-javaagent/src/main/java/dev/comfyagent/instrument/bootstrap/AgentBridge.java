package dev.comfyagent.instrument.bootstrap;

/**
 * The static entry points that advice code inlined into host classes calls. Defined in the
 * bootstrap class loader when the agent starts, so it is visible from every class loader whatever
 * loaded the host; it names JDK types only and holds no state but the installed {@link
 * BridgeDispatch}.
 *
 * <p>Until a dispatch is installed (and after {@link #uninstall}), every method is a no-op that
 * returns the host's own value, so woven code behaves exactly like the original.
 *
 * <p>Usage, from the agent's installer:
 *
 * <pre>{@code
 * if (!AgentBridge.install(dispatch)) {
 *   // another copy of the agent is already running in this JVM
 * }
 * }</pre>
 *
 * <p>Thread-safe: the dispatch is published through a volatile field.
 */
public final class AgentBridge {

  /** A runtime tool: an implementation of {@code dev.comfyagent.runtime.tool.Tool#call}. */
  public static final int LAYER_TOOL = 1;

  /** A method matched by the {@code tools} option. */
  public static final int LAYER_PATTERN = 2;

  // The bridge is on the bootstrap class path, visible to all host code: lock on a private object.
  private static final Object LOCK = new Object();
  private static volatile BridgeDispatch dispatch;

  private AgentBridge() {}

  /**
   * Installs the dispatch that receives every join point.
   *
   * @return {@code false} when one is already installed (it is left in place)
   */
  public static boolean install(BridgeDispatch newDispatch) {
    synchronized (LOCK) {
      if (dispatch != null) {
        return false;
      }
      dispatch = newDispatch;
      return true;
    }
  }

  /** Removes {@code installed} if it is the current dispatch; woven code becomes a no-op. */
  public static void uninstall(BridgeDispatch installed) {
    synchronized (LOCK) {
      if (dispatch == installed) {
        dispatch = null;
      }
    }
  }

  /** Whether a dispatch is installed. */
  public static boolean installed() {
    return dispatch != null;
  }

  /** See {@link BridgeDispatch#enterToolCall}. */
  public static Object enterToolCall(
      int layer, Object receiver, Class<?> type, String site, Object arguments) {
    BridgeDispatch d = dispatch;
    return d == null ? null : d.enterToolCall(layer, receiver, type, site, arguments);
  }

  /** See {@link BridgeDispatch#exitToolCall}. */
  public static Object exitToolCall(Object frame, Object result, Throwable thrown) {
    BridgeDispatch d = dispatch;
    return d == null || frame == null ? result : d.exitToolCall(frame, result, thrown);
  }

  /** See {@link BridgeDispatch#enterSdkSyncCall}. */
  public static Object enterSdkSyncCall(Object exchangeOrContext, Object callToolRequest) {
    BridgeDispatch d = dispatch;
    return d == null ? null : d.enterSdkSyncCall(exchangeOrContext, callToolRequest);
  }

  /** See {@link BridgeDispatch#enterSdkSyncArgumentsCall}. */
  public static Object enterSdkSyncArgumentsCall(
      Object toolSpecification, Object exchange, Object arguments) {
    BridgeDispatch d = dispatch;
    return d == null ? null : d.enterSdkSyncArgumentsCall(toolSpecification, exchange, arguments);
  }

  /** See {@link BridgeDispatch#enterSdkAsyncCall}. */
  public static Object enterSdkAsyncCall(Object exchangeOrContext, Object rawParams) {
    BridgeDispatch d = dispatch;
    return d == null ? null : d.enterSdkAsyncCall(exchangeOrContext, rawParams);
  }

  /** See {@link BridgeDispatch#exitSdkAsyncCall}. */
  public static Object exitSdkAsyncCall(Object frame, Object mono, Throwable thrown) {
    BridgeDispatch d = dispatch;
    return d == null || frame == null ? mono : d.exitSdkAsyncCall(frame, mono, thrown);
  }

  /** See {@link BridgeDispatch#sdkSyncAdapterAssembled}. */
  public static void sdkSyncAdapterAssembled(Object callToolRequest) {
    BridgeDispatch d = dispatch;
    if (d != null) {
      d.sdkSyncAdapterAssembled(callToolRequest);
    }
  }

  /** See {@link BridgeDispatch#enterJsonRpcRequest}. */
  public static Object enterJsonRpcRequest(Object jsonRpcRequest) {
    BridgeDispatch d = dispatch;
    return d == null ? null : d.enterJsonRpcRequest(jsonRpcRequest);
  }

  /** See {@link BridgeDispatch#exitJsonRpcRequest}. */
  public static void exitJsonRpcRequest(Object token) {
    BridgeDispatch d = dispatch;
    if (d != null && token != null) {
      d.exitJsonRpcRequest(token);
    }
  }

  /** See {@link BridgeDispatch#circuitBreakerCreated}. */
  public static void circuitBreakerCreated(Object circuitBreaker) {
    BridgeDispatch d = dispatch;
    if (d != null) {
      d.circuitBreakerCreated(circuitBreaker);
    }
  }

  /** See {@link BridgeDispatch#circuitBreakerTransition}. */
  public static void circuitBreakerTransition(Object circuitBreaker, Object stateTransition) {
    BridgeDispatch d = dispatch;
    if (d != null) {
      d.circuitBreakerTransition(circuitBreaker, stateTransition);
    }
  }

  /** See {@link BridgeDispatch#rateLimiterCreated}. */
  public static void rateLimiterCreated(Object rateLimiter) {
    BridgeDispatch d = dispatch;
    if (d != null) {
      d.rateLimiterCreated(rateLimiter);
    }
  }

  /** See {@link BridgeDispatch#rateLimiterPermission}. */
  public static void rateLimiterPermission(Object rateLimiter, boolean permitted) {
    BridgeDispatch d = dispatch;
    if (d != null) {
      d.rateLimiterPermission(rateLimiter, permitted);
    }
  }

  /** See {@link BridgeDispatch#sessionRegistryCreated}. */
  public static void sessionRegistryCreated(Object registry) {
    BridgeDispatch d = dispatch;
    if (d != null) {
      d.sessionRegistryCreated(registry);
    }
  }

  /** See {@link BridgeDispatch#sessionRegistryChanged}. */
  public static void sessionRegistryChanged(Object registry) {
    BridgeDispatch d = dispatch;
    if (d != null) {
      d.sessionRegistryChanged(registry);
    }
  }

  /** See {@link BridgeDispatch#sessionRegistryUsed}. */
  public static void sessionRegistryUsed(Object registry) {
    BridgeDispatch d = dispatch;
    if (d != null) {
      d.sessionRegistryUsed(registry);
    }
  }

  /** See {@link BridgeDispatch#sdkTransportSeen}. */
  public static void sdkTransportSeen(Object transport) {
    BridgeDispatch d = dispatch;
    if (d != null) {
      d.sdkTransportSeen(transport);
    }
  }

  /** See {@link BridgeDispatch#instanceSeen}. */
  public static void instanceSeen(Class<?> declaringType, Object instance) {
    BridgeDispatch d = dispatch;
    if (d != null && instance != null) {
      d.instanceSeen(declaringType, instance);
    }
  }

  /**
   * See {@link BridgeDispatch#sdkServerFeatures}. Called at the start of the host's constructor, so
   * it never throws and hands back both values or neither: a failure behind it, or values that do
   * not {@linkplain #fitsFeatures fit} the constructor, leave the host's own arguments (the failure
   * is counted through {@link #adviceFailed}).
   *
   * @return {@code null} when nothing changes, else the new capabilities and tool list, each of the
   *     type of the features record's component
   */
  public static Object[] sdkServerFeatures(
      Class<?> featuresType, Object capabilities, Object tools) {
    BridgeDispatch d = dispatch;
    if (d == null) {
      return null;
    }
    try {
      Object[] changed = d.sdkServerFeatures(featuresType, capabilities, tools);
      if (changed == null || fitsFeatures(featuresType, changed)) {
        return changed;
      }
      adviceFailed(
          new IllegalStateException(
              "new arguments for " + featuresType.getName() + " of the wrong types: ignored"));
    } catch (Throwable e) {
      adviceFailed(e);
    }
    return null;
  }

  /**
   * Whether {@code changed} can be passed as the capabilities and tools arguments (components 1 and
   * 2) of the features record {@code featuresType}: exactly two values, each null or of the
   * component's type. A wrong type would fail the host's constructor.
   */
  public static boolean fitsFeatures(Class<?> featuresType, Object[] changed) {
    java.lang.reflect.RecordComponent[] components = featuresType.getRecordComponents();
    return changed.length == 2
        && components != null
        && components.length > 2
        && (changed[0] == null || components[1].getType().isInstance(changed[0]))
        && (changed[1] == null || components[2].getType().isInstance(changed[1]));
  }

  /**
   * Called by Byte Buddy's exception handler when advice code throws: the exception is swallowed
   * (the host never sees it) and counted.
   */
  public static void adviceFailed(Throwable failure) {
    BridgeDispatch d = dispatch;
    if (d != null) {
      d.adviceFailed(failure);
    }
  }
}
