package dev.comfyagent.instrument.record;

import dev.comfyagent.instrument.record.ToolCallView.Layer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Turns woven method activations into logical tool calls: one count per call however many layers
 * see it, parent/child links for tools called inside tools, correlation ids and {@code seq}
 * numbers, and one trace event per call.
 *
 * <p><b>One call, counted once.</b> The outer frame owns the call; an inner frame joins it (and
 * counts nothing) when it is the first frame directly inside an SDK frame (the runtime's {@code
 * Tool#call} inside the SDK adapter that delegates to it), or when it runs on the same receiver as
 * the frame it is in ({@code super.call} chains, or a method matched by two weaves). Any other
 * frame started inside a call is a separate call: a child, with {@code parent} set to the outer
 * call's {@code seq} and the same correlation id. An inner frame that joined passes the exception
 * it threw to its owner, so an SDK call that turned it into an {@code isError} result reports the
 * exception's class as {@code error.type}.
 *
 * <p><b>Asynchronous SDK calls.</b> The SDK's asynchronous {@code tools/call} handler only
 * assembles a {@code Mono}. When the tool is synchronous the SDK wraps it during assembly (which
 * {@link #syncAdapterAssembled} sees); the synchronous adapter later runs and counts it, so the
 * asynchronous frame records nothing. Otherwise the returned {@code Mono} is observed and the call
 * is counted when it terminates, timed from the handler's start. With tracing on, the {@code Mono}
 * is also subscribed within the call's {@linkplain ParentScope scope} ({@link
 * HostReader#subscribeWithin}): a timed method that the tool runs when its {@code Mono} is
 * subscribed, or on a Reactor scheduler it hands work to, is the call's child, in its chain.
 *
 * <p><b>Hot path.</b> With tracing off, a tracked call allocates nothing: frames are pooled per
 * thread, names are looked up in a lock-free map, latencies go to HdrHistogram recorders.
 *
 * <p>Thread-safe; each thread works on its own {@link CallStack}.
 */
public final class ToolCallTracker {

  private static final ToolCallHook[] NO_HOOKS = new ToolCallHook[0];
  private static final Object NO_PENDING_ID = new Object();
  private static final int MAX_CLIENT_TEXT = 200;

  private final ToolStatsRegistry registry;
  private final HostReader host;
  private final InputSummary summary;
  private final CorrelationSequences sequences;
  private final TraceSink traces;
  private final AgentHealth health;
  private final ThreadLocal<CallStack> stacks = ThreadLocal.withInitial(CallStack::new);
  private final WeakIdentityHandoff<Handoff> handoffs = new WeakIdentityHandoff<>(10_000);
  private volatile ToolCallHook[] hooks = NO_HOOKS;
  private final java.util.function.Supplier<HostReader.CallScope> currentScope = this::currentScope;

  /**
   * @param registry where calls are counted
   * @param host reads host objects
   * @param summary renders input summaries
   * @param sequences keeps {@code seq} counters of client-chosen correlation ids
   * @param traces where finished calls go, or {@code null} when tracing is off
   * @param health counts internal errors
   */
  public ToolCallTracker(
      ToolStatsRegistry registry,
      HostReader host,
      InputSummary summary,
      CorrelationSequences sequences,
      TraceSink traces,
      AgentHealth health) {
    this.registry = registry;
    this.host = host;
    this.summary = summary;
    this.sequences = sequences;
    this.traces = traces;
    this.health = health;
  }

  /** Adds a hook called at every frame's start and end. */
  public synchronized void addHook(ToolCallHook hook) {
    ToolCallHook[] grown = java.util.Arrays.copyOf(hooks, hooks.length + 1);
    grown[hooks.length] = hook;
    hooks = grown;
  }

  /** Whether trace events are produced. */
  public boolean tracing() {
    return traces != null;
  }

  /**
   * A code-layer tool method starts.
   *
   * @param layer {@link Layer#TOOL} or {@link Layer#PATTERN}
   * @param name the tool's name, read by the caller ({@link HostReader#toolName} or {@link
   *     HostReader#patternName}): the name travels one way, from the join point to the record
   * @param arguments the tool's argument tree (tools), or all arguments (patterns), or null
   * @return the frame to pass to {@link #exit}
   */
  public Object enterCode(
      Layer layer, String name, Object receiver, Class<?> type, String site, Object arguments) {
    CallStack stack = stacks.get();
    CallFrame top = stack.top();
    CallFrame frame = stack.push();
    try {
      frame.layer = layer;
      frame.receiver = receiver;
      if (top != null && joins(top, receiver, name)) {
        CallFrame owner = top.counting();
        frame.owner = owner;
        owner.joined = true;
        if (traces != null) {
          String fromHost = host.mdcCorrelationId(type);
          if (fromHost != null && owner.parentSeq == 0) {
            owner.correlationId = fromHost;
          }
        }
      } else {
        frame.toolName = name;
        frame.stats = registry.forName(name);
        if (traces != null) {
          startTrace(frame, top == null ? null : top.counting(), host.mdcCorrelationId(type));
          frame.inputSummary =
              layer == Layer.TOOL
                  ? summary.ofArguments(arguments)
                  : summary.ofParameters(
                      host.parameterNames(type, site),
                      arguments instanceof Object[] all ? all : null);
        }
      }
      return begun(frame);
    } catch (RuntimeException | Error e) {
      stack.pop(frame);
      throw e;
    }
  }

  /**
   * Runs the start hooks and stamps the start time, last, so that the agent's own work on entry is
   * not part of the tool's duration.
   */
  private CallFrame begun(CallFrame frame) {
    started(frame);
    frame.startNanos = System.nanoTime();
    return frame;
  }

  /** The MCP SDK's synchronous adapter starts one {@code tools/call}. */
  public Object enterSdkSync(Object exchangeOrContext, Object request) {
    CallStack stack = stacks.get();
    CallFrame top = stack.top();
    CallFrame frame = stack.push();
    try {
      frame.layer = Layer.SDK;
      String name = clientText(host.requestName(request));
      if (top != null && joins(top, null, name)) {
        frame.owner = top.counting();
        frame.owner.joined = true;
      } else {
        frame.toolName = name;
        frame.stats = registry.forName(name);
        if (traces != null) {
          Map<?, ?> meta = host.requestMeta(request);
          startTrace(frame, top == null ? null : top.counting(), Correlation.fromMeta(meta));
          frame.traceparent = top == null ? Correlation.traceparentOf(meta) : null;
          frame.viaMcp = true;
          frame.sessionId = host.sessionId(exchangeOrContext);
          Handoff handoff = handoffs.take(request);
          frame.jsonRpcId = handoff == null ? null : clientId(handoff.jsonRpcId());
          frame.inputSummary = summary.ofArguments(host.requestArguments(request));
        }
      }
      return begun(frame);
    } catch (RuntimeException | Error e) {
      stack.pop(frame);
      throw e;
    }
  }

  /**
   * The synchronous adapter of SDK 0.8 to 0.10 starts one {@code tools/call}: it has the tool's
   * specification and the arguments map only; the JSON-RPC id and the correlation id (with its
   * {@code seq} numbering) come from the asynchronous handler that assembled it, through the
   * arguments map.
   */
  public Object enterSdkSyncArguments(Object specification, Object exchange, Object arguments) {
    CallStack stack = stacks.get();
    CallFrame top = stack.top();
    CallFrame frame = stack.push();
    try {
      frame.layer = Layer.SDK;
      String name = clientText(host.specificationToolName(specification));
      if (top != null && joins(top, null, name)) {
        frame.owner = top.counting();
        frame.owner.joined = true;
      } else {
        frame.toolName = name;
        frame.stats = registry.forName(name);
        if (traces != null) {
          Handoff handoff = arguments == null ? null : handoffs.take(arguments);
          if (top == null && handoff != null && handoff.correlationId() != null) {
            frame.startMillis = System.currentTimeMillis();
            frame.correlationId = handoff.correlationId();
            frame.sequence = handoff.sequence();
            frame.traceparent = handoff.traceparent();
            seq(frame);
          } else {
            startTrace(frame, top == null ? null : top.counting(), null);
          }
          frame.viaMcp = true;
          frame.sessionId = host.sessionId(exchange);
          frame.jsonRpcId = handoff == null ? null : clientId(handoff.jsonRpcId());
          frame.inputSummary = summary.ofArguments(arguments);
        }
      }
      return begun(frame);
    } catch (RuntimeException | Error e) {
      stack.pop(frame);
      throw e;
    }
  }

  /** The MCP SDK's asynchronous {@code tools/call} handler starts assembling a call. */
  public Object enterSdkAsync(Object exchangeOrContext, Object rawParams) {
    CallStack stack = stacks.get();
    CallFrame top = stack.top();
    CallFrame frame = stack.push();
    try {
      Map<?, ?> params = rawParams instanceof Map<?, ?> map ? map : Map.of();
      frame.layer = Layer.SDK_ASYNC;
      Object name = params.get("name");
      frame.toolName = name instanceof String s ? clientText(s) : null;
      frame.stats = registry.forName(frame.toolName);
      if (traces != null) {
        startTraceLazily(
            frame, top == null ? null : top.counting(), Correlation.fromMeta(params.get("_meta")));
        frame.traceparent = top == null ? Correlation.traceparentOf(params.get("_meta")) : null;
        frame.viaMcp = true;
        frame.sessionId = host.sessionId(exchangeOrContext);
        frame.jsonRpcId = clientId(stack.pendingJsonRpcId);
        frame.inputSummary = summary.ofArguments(params.get("arguments"));
      }
      return begun(frame);
    } catch (RuntimeException | Error e) {
      stack.pop(frame);
      throw e;
    }
  }

  /**
   * The SDK wrapped a synchronous tool while an asynchronous call is assembled on this thread: the
   * adapter will count the call; its JSON-RPC id is left for it.
   */
  public void syncAdapterAssembled(Object request) {
    CallFrame top = stacks.get().top();
    if (top != null && top.layer == Layer.SDK_ASYNC && top.owner == null) {
      top.claimedBySyncAdapter = true;
      if (traces != null && request != null) {
        handoffs.put(
            request, new Handoff(top.jsonRpcId, top.correlationId, top.sequence, top.traceparent));
      }
    }
  }

  /**
   * What the asynchronous handler knows of a call that the synchronous adapter will run on another
   * thread: its JSON-RPC id, and the correlation id chosen from its {@code _meta} with its {@code
   * seq} counter.
   */
  private record Handoff(
      Object jsonRpcId, String correlationId, AtomicInteger sequence, String traceparent) {}

  /**
   * A tool frame ends.
   *
   * @return what the woven method returns: {@code result} unless a hook replaced it
   */
  public Object exit(Object frameObject, Object result, Throwable thrown) {
    long end = System.nanoTime();
    CallStack stack = stacks.get();
    if (!(frameObject instanceof CallFrame frame) || !stack.contains(frame)) {
      health.internalError("tool call exit", new IllegalStateException("frame not on this thread"));
      return result;
    }
    try {
      if (frame.owner != null) {
        if (thrown != null && frame.owner.innerErrorType == null) {
          frame.owner.innerErrorType = thrown.getClass().getName();
        }
      } else {
        long duration = end - frame.startNanos;
        String errorType = null;
        if (thrown != null) {
          errorType = thrown.getClass().getName();
        } else if (host.isErrorResult(result)) {
          errorType = frame.innerErrorType != null ? frame.innerErrorType : "tool_error";
        }
        frame.stats.record(duration, errorType == null);
        if (traces != null) {
          traces.offer(event(frame, duration, errorType));
        }
      }
      return finished(frame, result, thrown);
    } finally {
      stack.pop(frame);
    }
  }

  /**
   * The asynchronous handler returns its {@code Mono}.
   *
   * @return the {@code Mono} for the SDK: observed when this layer counts the call
   */
  public Object exitSdkAsync(Object frameObject, Object mono, Throwable thrown) {
    long end = System.nanoTime();
    CallStack stack = stacks.get();
    if (!(frameObject instanceof CallFrame frame) || !stack.contains(frame)) {
      health.internalError(
          "tools/call exit", new IllegalStateException("frame not on this thread"));
      return mono;
    }
    try {
      if (thrown != null || mono == null) {
        long duration = end - frame.startNanos;
        String errorType = thrown != null ? thrown.getClass().getName() : "no_result";
        frame.stats.record(duration, false);
        if (traces != null) {
          traces.offer(event(frame, duration, errorType));
        }
        return mono;
      }
      if (frame.claimedBySyncAdapter && !frame.joined) {
        return mono;
      }
      AsyncCall call = new AsyncCall(frame);
      Object observed = host.observeMono(mono, call);
      return traces == null ? observed : host.subscribeWithin(observed, call.scope, currentScope);
    } finally {
      stack.pop(frame);
    }
  }

  /**
   * The SDK session starts dispatching a JSON-RPC request on this thread.
   *
   * @return a token for {@link #exitJsonRpc}, or null when nothing was noted
   */
  public Object enterJsonRpc(Object jsonRpcRequest) {
    if (traces == null) {
      return null;
    }
    CallStack stack = stacks.get();
    Object previous = stack.pendingJsonRpcId;
    stack.pendingJsonRpcId = host.jsonRpcId(jsonRpcRequest);
    return previous == null ? NO_PENDING_ID : previous;
  }

  /** Ends what {@link #enterJsonRpc} started. */
  public void exitJsonRpc(Object token) {
    stacks.get().pendingJsonRpcId = token == NO_PENDING_ID ? null : token;
  }

  /**
   * The scope of the call running on the calling thread, to carry to work it hands to a Reactor
   * scheduler; null when no call runs here or tracing is off (only traces need the chain).
   */
  HostReader.CallScope currentScope() {
    if (traces == null) {
      return null;
    }
    CallFrame top = stacks.get().top();
    if (top == null) {
      return null;
    }
    CallFrame call = top.counting();
    if (call.scopeOf != null) {
      return call.scopeOf;
    }
    return call.correlationId == null
        ? null
        : new ParentScope(
            call.toolName, call.correlationId, call.sequence, seq(call), call.sessionId);
  }

  /**
   * A call seen from another thread: entered there, it stands on that thread's stack as the parent
   * of the calls started inside it (same correlation id, {@code parent} its {@code seq}, same
   * session), and counts nothing itself.
   */
  private final class ParentScope implements HostReader.CallScope {
    private final String toolName;
    private final String correlationId;
    private final AtomicInteger sequence;
    private final int seq;
    private final String sessionId;

    ParentScope(
        String toolName, String correlationId, AtomicInteger sequence, int seq, String sessionId) {
      this.toolName = toolName;
      this.correlationId = correlationId;
      this.sequence = sequence;
      this.seq = seq;
      this.sessionId = sessionId;
    }

    @Override
    public Object enter() {
      CallFrame frame = stacks.get().push();
      frame.layer = Layer.SDK_ASYNC;
      frame.toolName = toolName;
      frame.correlationId = correlationId;
      frame.sequence = sequence;
      frame.seq = seq;
      frame.sessionId = sessionId;
      frame.joined = true; // no call joins a stand-in: each call inside is a child
      frame.scopeOf = this;
      return frame;
    }

    @Override
    public void exit(Object token) {
      CallStack stack = stacks.get();
      if (token instanceof CallFrame frame && stack.contains(frame)) {
        stack.pop(frame);
      } else {
        health.internalError(
            "tool call scope exit", new IllegalStateException("scope not on this thread"));
      }
    }
  }

  /** Frames active on the calling thread (for tests and diagnostics). */
  int depthOnThisThread() {
    return stacks.get().depth();
  }

  /**
   * Text a client chose (a tool name) cut to {@value #MAX_CLIENT_TEXT} characters, so that one
   * request cannot make a trace line or a metrics key arbitrarily long.
   */
  static String clientText(String text) {
    return text == null || text.length() <= MAX_CLIENT_TEXT
        ? text
        : text.substring(0, MAX_CLIENT_TEXT - 1) + "…";
  }

  private static Object clientId(Object id) {
    return id instanceof String s ? clientText(s) : id;
  }

  /**
   * Whether a frame starting directly inside {@code top} is the same logical call: the same
   * receiver (a {@code super} chain, or a method two weaves match), or the first frame inside an
   * SDK call that carries the SDK call's tool name (the runtime's {@code Tool#call} that the
   * adapter delegates to). Any other frame is a child call.
   */
  private static boolean joins(CallFrame top, Object receiver, String name) {
    CallFrame owner = top.counting();
    if (receiver != null && owner.receiver == receiver) {
      return true;
    }
    return top.owner == null
        && !top.joined
        && (top.layer == Layer.SDK || top.layer == Layer.SDK_ASYNC)
        && name != null
        && name.equals(top.toolName);
  }

  private void startTrace(CallFrame frame, CallFrame parent, String chosenId) {
    startTraceLazily(frame, parent, chosenId);
    seq(frame);
  }

  /**
   * Chooses the frame's correlation id but leaves its {@code seq} for {@link #seq}: an asynchronous
   * SDK frame that the synchronous adapter claims never records, and must not use up a number of
   * its chain.
   */
  private void startTraceLazily(CallFrame frame, CallFrame parent, String chosenId) {
    frame.startMillis = System.currentTimeMillis();
    if (parent != null && parent.correlationId != null) {
      frame.correlationId = parent.correlationId;
      frame.sequence = parent.sequence;
      frame.parentSeq = seq(parent);
      frame.sessionId = parent.sessionId;
    } else if (chosenId != null) {
      frame.correlationId = chosenId;
      frame.sequence = sequences.forId(chosenId);
    } else {
      frame.correlationId = Correlation.generate();
      frame.sequence = CorrelationSequences.fresh();
    }
  }

  /** The frame's number in its chain, taken when first needed. */
  private static int seq(CallFrame frame) {
    if (frame.seq == 0 && frame.sequence != null) {
      frame.seq = frame.sequence.incrementAndGet();
    }
    return frame.seq;
  }

  private static TraceEvent event(CallFrame frame, long duration, String errorType) {
    seq(frame);
    return new TraceEvent(
        frame.startMillis,
        frame.correlationId,
        frame.toolName,
        duration,
        errorType == null,
        frame.inputSummary,
        frame.seq,
        frame.parentSeq,
        errorType,
        frame.viaMcp,
        frame.sessionId,
        frame.jsonRpcId,
        frame.traceparent);
  }

  /**
   * The hooks for the frame's tool: those of the current set that {@linkplain ToolCallHook#observes
   * observe} it, chosen once per tool and hook set.
   */
  private ToolCallHook[] hooksFor(CallFrame frame) {
    ToolCallHook[] all = hooks;
    ToolStats stats = frame.counting().stats;
    if (all.length == 0 || stats == null) {
      return all;
    }
    ToolStats.HookChoice choice = stats.hookChoice;
    if (choice != null && choice.from() == all) {
      return choice.chosen();
    }
    ToolCallHook[] chosen = all;
    String name = stats.name();
    if (!ToolStatsRegistry.UNKNOWN.equals(name) && !ToolStatsRegistry.OVERFLOW.equals(name)) {
      List<ToolCallHook> observing = new ArrayList<>(all.length);
      for (ToolCallHook hook : all) {
        boolean observes;
        try {
          observes = hook.observes(name);
        } catch (RuntimeException e) {
          health.internalError("hook " + hook.getClass().getName(), e);
          observes = true;
        }
        if (observes) {
          observing.add(hook);
        }
      }
      chosen = observing.toArray(NO_HOOKS);
    }
    stats.hookChoice = new ToolStats.HookChoice(all, chosen);
    return chosen;
  }

  private void started(CallFrame frame) {
    ToolCallHook[] current = hooksFor(frame);
    for (ToolCallHook hook : current) {
      try {
        hook.started(frame);
      } catch (RuntimeException e) {
        health.internalError("hook " + hook.getClass().getName(), e);
      }
    }
  }

  private Object finished(CallFrame frame, Object result, Throwable thrown) {
    ToolCallHook[] current = hooksFor(frame);
    Object returned = result;
    for (ToolCallHook hook : current) {
      try {
        returned = hook.finished(frame, returned, thrown);
      } catch (RuntimeException e) {
        health.internalError("hook " + hook.getClass().getName(), e);
      }
    }
    return returned;
  }

  /** An asynchronous call waiting for its {@code Mono} to terminate; counts it exactly once. */
  private final class AsyncCall extends AtomicInteger implements HostReader.MonoObserver {
    private static final long serialVersionUID = 1L;

    private final ToolStats stats;
    private final long startNanos;
    private final long startMillis;
    private final String correlationId;
    private final String toolName;
    private final String inputSummary;
    private final int seq;
    private final int parentSeq;
    private final String sessionId;
    private final Object jsonRpcId;
    private final String innerErrorType;
    private final String traceparent;
    private final ParentScope scope;

    AsyncCall(CallFrame frame) {
      seq(frame);
      this.scope =
          traces == null
              ? null
              : new ParentScope(
                  frame.toolName, frame.correlationId, frame.sequence, frame.seq, frame.sessionId);
      this.stats = frame.stats;
      this.startNanos = frame.startNanos;
      this.startMillis = frame.startMillis;
      this.correlationId = frame.correlationId;
      this.toolName = frame.toolName;
      this.inputSummary = frame.inputSummary;
      this.seq = frame.seq;
      this.parentSeq = frame.parentSeq;
      this.sessionId = frame.sessionId;
      this.jsonRpcId = frame.jsonRpcId;
      this.innerErrorType = frame.innerErrorType;
      this.traceparent = frame.traceparent;
    }

    @Override
    public void succeeded(Object value) {
      boolean error;
      try {
        error = host.isErrorResult(value);
      } catch (RuntimeException e) {
        health.internalError("tools/call result", e);
        error = false;
      }
      finish(error ? (innerErrorType != null ? innerErrorType : "tool_error") : null);
    }

    @Override
    public void failed(Throwable error) {
      finish(error == null ? "unknown" : error.getClass().getName());
    }

    @Override
    public void cancelled() {
      finish("cancelled");
    }

    private void finish(String errorType) {
      if (!compareAndSet(0, 1)) {
        return;
      }
      try {
        long duration = System.nanoTime() - startNanos;
        stats.record(duration, errorType == null);
        if (traces != null) {
          traces.offer(
              new TraceEvent(
                  startMillis,
                  correlationId,
                  toolName,
                  duration,
                  errorType == null,
                  inputSummary,
                  seq,
                  parentSeq,
                  errorType,
                  true,
                  sessionId,
                  jsonRpcId,
                  traceparent));
        }
      } catch (RuntimeException e) {
        health.internalError("tools/call completion", e);
      }
    }
  }
}
