package dev.comfyagent.instrument.weave;

import dev.comfyagent.instrument.bootstrap.AgentBridge;
import dev.comfyagent.instrument.bootstrap.BridgeDispatch;
import dev.comfyagent.instrument.record.AgentHealth;
import dev.comfyagent.instrument.record.CircuitBreakerBoard;
import dev.comfyagent.instrument.record.HostReader;
import dev.comfyagent.instrument.record.RateLimiterBoard;
import dev.comfyagent.instrument.record.SessionGauge;
import dev.comfyagent.instrument.record.ToolCallTracker;
import dev.comfyagent.instrument.record.ToolCallView.Layer;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The agent's {@link BridgeDispatch}: receives every join point from the bootstrap bridge and hands
 * it to the recorders. Every method catches whatever goes wrong inside the agent, counts it as an
 * internal error, and gives the host back its own value: the host never sees an agent failure.
 *
 * <p>Thread-safe.
 */
public final class WeaveDispatch implements BridgeDispatch {

  private final ToolCallTracker calls;
  private final CircuitBreakerBoard breakers;
  private final RateLimiterBoard limiters;
  private final SessionGauge sessions;
  private final HostReader host;
  private final AgentHealth health;
  private final CopyOnWriteArrayList<InstanceListener> instanceListeners =
      new CopyOnWriteArrayList<>();
  private final CopyOnWriteArrayList<SdkServerContributor> serverContributors =
      new CopyOnWriteArrayList<>();

  /**
   * @param calls tracks tool calls
   * @param breakers records circuit breakers
   * @param limiters records rate limiters
   * @param sessions records session registries
   * @param host reads host objects
   * @param health counts internal errors
   */
  public WeaveDispatch(
      ToolCallTracker calls,
      CircuitBreakerBoard breakers,
      RateLimiterBoard limiters,
      SessionGauge sessions,
      HostReader host,
      AgentHealth health) {
    this.calls = calls;
    this.breakers = breakers;
    this.limiters = limiters;
    this.sessions = sessions;
    this.host = host;
    this.health = health;
  }

  @Override
  public Object enterToolCall(
      int layer, Object receiver, Class<?> type, String site, Object arguments) {
    try {
      // The name is read here, once, and handed on: the recorder never calls back for it.
      boolean pattern = layer == AgentBridge.LAYER_PATTERN;
      return calls.enterCode(
          pattern ? Layer.PATTERN : Layer.TOOL,
          pattern ? host.patternName(type, site) : host.toolName(receiver, type),
          receiver,
          type,
          site,
          arguments);
    } catch (Throwable e) {
      health.internalError("tool call start", e);
      return null;
    }
  }

  @Override
  public Object exitToolCall(Object frame, Object result, Throwable thrown) {
    try {
      return calls.exit(frame, result, thrown);
    } catch (Throwable e) {
      health.internalError("tool call end", e);
      return result;
    }
  }

  @Override
  public Object enterSdkSyncCall(Object exchangeOrContext, Object callToolRequest) {
    try {
      return calls.enterSdkSync(exchangeOrContext, callToolRequest);
    } catch (Throwable e) {
      health.internalError("tools/call start", e);
      return null;
    }
  }

  @Override
  public Object enterSdkSyncArgumentsCall(
      Object toolSpecification, Object exchange, Object arguments) {
    try {
      return calls.enterSdkSyncArguments(toolSpecification, exchange, arguments);
    } catch (Throwable e) {
      health.internalError("tools/call start", e);
      return null;
    }
  }

  @Override
  public Object enterSdkAsyncCall(Object exchangeOrContext, Object rawParams) {
    try {
      return calls.enterSdkAsync(exchangeOrContext, rawParams);
    } catch (Throwable e) {
      health.internalError("tools/call start", e);
      return null;
    }
  }

  @Override
  public Object exitSdkAsyncCall(Object frame, Object mono, Throwable thrown) {
    try {
      return calls.exitSdkAsync(frame, mono, thrown);
    } catch (Throwable e) {
      health.internalError("tools/call end", e);
      return mono;
    }
  }

  @Override
  public void sdkSyncAdapterAssembled(Object callToolRequest) {
    try {
      calls.syncAdapterAssembled(callToolRequest);
    } catch (Throwable e) {
      health.internalError("tools/call assembly", e);
    }
  }

  @Override
  public Object enterJsonRpcRequest(Object jsonRpcRequest) {
    try {
      return calls.enterJsonRpc(jsonRpcRequest);
    } catch (Throwable e) {
      health.internalError("JSON-RPC request start", e);
      return null;
    }
  }

  @Override
  public void exitJsonRpcRequest(Object token) {
    try {
      calls.exitJsonRpc(token);
    } catch (Throwable e) {
      health.internalError("JSON-RPC request end", e);
    }
  }

  @Override
  public void circuitBreakerCreated(Object circuitBreaker) {
    try {
      breakers.created(
          host.resilienceName(circuitBreaker),
          circuitBreaker,
          host.circuitBreakerState(circuitBreaker));
    } catch (Throwable e) {
      health.internalError("circuit breaker creation", e);
    }
  }

  @Override
  public void circuitBreakerTransition(Object circuitBreaker, Object stateTransition) {
    try {
      String transition =
          stateTransition instanceof Enum<?> e ? e.name() : String.valueOf(stateTransition);
      int to = transition.indexOf("_TO_");
      if (to <= 0) {
        return;
      }
      String from = transition.substring(0, to);
      String target = transition.substring(to + 4);
      if (from.equals(target)) {
        return; // Resilience4j's internal CLOSED_TO_CLOSED and the like are not state changes
      }
      breakers.transition(
          host.resilienceName(circuitBreaker),
          circuitBreaker,
          from,
          target,
          System.currentTimeMillis());
    } catch (Throwable e) {
      health.internalError("circuit breaker transition", e);
    }
  }

  @Override
  public void rateLimiterCreated(Object rateLimiter) {
    try {
      limiters.created(host.resilienceName(rateLimiter));
    } catch (Throwable e) {
      health.internalError("rate limiter creation", e);
    }
  }

  @Override
  public void rateLimiterPermission(Object rateLimiter, boolean permitted) {
    try {
      limiters.permission(host.resilienceName(rateLimiter), permitted);
    } catch (Throwable e) {
      health.internalError("rate limiter permission", e);
    }
  }

  @Override
  public void sessionRegistryCreated(Object registry) {
    try {
      sessions.registryCreated(registry);
    } catch (Throwable e) {
      health.internalError("session registry creation", e);
    }
  }

  @Override
  public void sessionRegistryChanged(Object registry) {
    try {
      sessions.changed(registry);
    } catch (Throwable e) {
      health.internalError("session registry change", e);
    }
  }

  @Override
  public void sessionRegistryUsed(Object registry) {
    try {
      sessions.used(registry);
    } catch (Throwable e) {
      health.internalError("session registry use", e);
    }
  }

  @Override
  public void sdkTransportSeen(Object transport) {
    try {
      sessions.transportSeen(transport);
    } catch (Throwable e) {
      health.internalError("MCP SDK transport", e);
    }
  }

  /** Adds a listener for the instances that {@link InstanceCaptureWeave}s see. */
  public void addInstanceListener(InstanceListener listener) {
    instanceListeners.add(listener);
  }

  /** Adds a contributor to the MCP SDK servers built from now on. */
  public void addSdkServerContributor(SdkServerContributor contributor) {
    serverContributors.add(contributor);
  }

  @Override
  public void instanceSeen(Class<?> declaringType, Object instance) {
    for (InstanceListener listener : instanceListeners) {
      try {
        listener.seen(declaringType, instance);
      } catch (Throwable e) {
        health.internalError("instance of " + declaringType.getName(), e);
      }
    }
  }

  @Override
  public Object[] sdkServerFeatures(Class<?> featuresType, Object capabilities, Object tools) {
    Object[] current = null;
    for (SdkServerContributor contributor : serverContributors) {
      try {
        Object[] changed =
            contributor.contribute(
                featuresType,
                current == null ? capabilities : current[0],
                current == null ? tools : current[1]);
        if (changed != null && AgentBridge.fitsFeatures(featuresType, changed)) {
          current = changed;
        } else if (changed != null) {
          health.internalError(
              "building an MCP server's features",
              new IllegalStateException("a contributor returned values of the wrong types"));
        }
      } catch (Throwable e) {
        health.internalError("building an MCP server's features", e);
      }
    }
    return current;
  }

  @Override
  public void adviceFailed(Throwable failure) {
    try {
      health.internalError("woven code", failure);
    } catch (Throwable ignored) {
      // nothing is left to report to
    }
  }
}
