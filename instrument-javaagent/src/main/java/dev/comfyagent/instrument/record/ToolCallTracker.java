package dev.comfyagent.instrument.record;

import dev.comfyagent.instrument.record.ToolCallView.Layer;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

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
 * thread, names are looked up in a lock-free map, latencies go to HdrHistogram recorders. With
 * tracing on, the input summary is rendered into a buffer the pooled frame keeps, and the finished
 * call is handed to the sink in a record the thread reuses ({@link TraceSink#offer(CallRecord)}):
 * what a traced call allocates is what reading the host's argument tree costs.
 *
 * <p>Thread-safe; each thread works on its own {@link CallStack}.
 */
public final class ToolCallTracker {

  private static final Object NO_PENDING_ID = new Object();
  private static final int MAX_CLIENT_TEXT = 200;

  private final ToolStatsRegistry registry;
  private final HostReader host;
  private final InputSummary summary;
  private final CorrelationSequences sequences;
  private final TraceSink traces;
  private final AgentHealth health;
  private final ThreadLocal<CallStack> stacks = ThreadLocal.withInitial(CallStack::new);
  private final WeakIdentityHandoff<Handoff> handoffs = new WeakIdentityHandoff<>(1024);
  private final ToolCallHooks hooks;
  private final Supplier<HostReader.CallScope> currentScope = this::currentScope;

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
    this.hooks = new ToolCallHooks(health);
  }

  /** Adds a hook called at every frame's start and end. */
  public void addHook(ToolCallHook hook) {
    hooks.add(hook);
  }

  /** Whether trace events are produced. */
  public boolean tracing() {
    return traces != null;
  }

  /**
   * How one kind of frame is filled on entry, between its push and its start hooks. Implemented by
   * method references to this class's {@code start...} methods: they capture nothing, so passing
   * one allocates nothing.
   */
  @FunctionalInterface
  private interface FrameStart {
    void fill(
        ToolCallTracker tracker,
        CallStack stack,
        CallFrame top,
        CallFrame frame,
        Object first,
        Object second,
        Object third,
        Class<?> type,
        String site);
  }

  /**
   * Pushes a frame, fills it, runs the start hooks and stamps the start time; a frame whose filling
   * failed is popped again, so no half-made frame stays on the stack.
   */
  private Object enter(
      FrameStart start,
      Layer layer,
      Object first,
      Object second,
      Object third,
      Class<?> type,
      String site) {
    CallStack stack = stacks.get();
    CallFrame top = stack.top();
    CallFrame frame = stack.push();
    try {
      frame.layer = layer;
      start.fill(this, stack, top, frame, first, second, third, type, site);
      hooks.started(frame);
      // Last, so that the agent's own work on entry is not part of the tool's duration.
      frame.startNanos = System.nanoTime();
      return frame;
    } catch (RuntimeException | Error e) {
      stack.pop(frame);
      throw e;
    }
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
    return enter(ToolCallTracker::startCode, layer, receiver, arguments, name, type, site);
  }

  private void startCode(
      CallStack stack,
      CallFrame top,
      CallFrame frame,
      Object receiver,
      Object arguments,
      Object toolName,
      Class<?> type,
      String site) {
    frame.receiver = receiver;
    boolean tool = frame.layer == Layer.TOOL;
    String name = (String) toolName;
    if (top != null && joins(top, receiver, name)) {
      CallFrame owner = join(top, frame);
      if (traces != null) {
        String fromHost = host.mdcCorrelationId(type);
        if (fromHost != null && owner.parentSeq == 0) {
          owner.correlationId = fromHost;
        }
      }
      return;
    }
    own(frame, name);
    if (traces != null) {
      startTrace(frame, parentOf(top), host.mdcCorrelationId(type));
      SummaryText text = summaryOf(frame);
      if (text != null && tool) {
        summary.renderArguments(arguments, text);
      } else if (text != null) {
        Object[] all = arguments instanceof Object[] values ? values : null;
        summary.renderParameters(host.parameterNames(type, site), all, text);
      }
    }
  }

  /** The MCP SDK's synchronous adapter starts one {@code tools/call}. */
  public Object enterSdkSync(Object exchangeOrContext, Object request) {
    return enter(
        ToolCallTracker::startSdkSync, Layer.SDK, exchangeOrContext, request, null, null, null);
  }

  private void startSdkSync(
      CallStack stack,
      CallFrame top,
      CallFrame frame,
      Object exchangeOrContext,
      Object request,
      Object unused,
      Class<?> type,
      String site) {
    String name = clientText(host.requestName(request));
    if (top != null && joins(top, null, name)) {
      join(top, frame);
      return;
    }
    own(frame, name);
    if (traces != null) {
      Map<?, ?> meta = host.requestMeta(request);
      startTrace(frame, parentOf(top), Correlation.fromMeta(meta));
      frame.traceparent = top == null ? Correlation.traceparentOf(meta) : null;
      frame.viaMcp = true;
      frame.sessionId = host.sessionId(exchangeOrContext);
      Handoff handoff = handoffs.take(request);
      frame.jsonRpcId = handoff == null ? null : clientId(handoff.jsonRpcId());
      renderArguments(frame, host.requestArguments(request));
    }
  }

  /**
   * The synchronous adapter of SDK 0.8 to 0.10 starts one {@code tools/call}: it has the tool's
   * specification and the arguments map only; the JSON-RPC id and the correlation id (with its
   * {@code seq} numbering) come from the asynchronous handler that assembled it, through the
   * arguments map.
   */
  public Object enterSdkSyncArguments(Object specification, Object exchange, Object arguments) {
    return enter(
        ToolCallTracker::startSdkSyncArguments,
        Layer.SDK,
        specification,
        exchange,
        arguments,
        null,
        null);
  }

  private void startSdkSyncArguments(
      CallStack stack,
      CallFrame top,
      CallFrame frame,
      Object specification,
      Object exchange,
      Object arguments,
      Class<?> type,
      String site) {
    String name = clientText(host.specificationToolName(specification));
    if (top != null && joins(top, null, name)) {
      join(top, frame);
      return;
    }
    own(frame, name);
    if (traces != null) {
      Handoff handoff = arguments == null ? null : handoffs.take(arguments);
      if (top == null && handoff != null && handoff.correlationId() != null) {
        frame.correlationId = handoff.correlationId();
        frame.sequence = handoff.sequence();
        frame.traceparent = handoff.traceparent();
        seq(frame);
      } else {
        startTrace(frame, parentOf(top), null);
      }
      frame.viaMcp = true;
      frame.sessionId = host.sessionId(exchange);
      frame.jsonRpcId = handoff == null ? null : clientId(handoff.jsonRpcId());
      renderArguments(frame, arguments);
    }
  }

  /** The MCP SDK's asynchronous {@code tools/call} handler starts assembling a call. */
  public Object enterSdkAsync(Object exchangeOrContext, Object rawParams) {
    return enter(
        ToolCallTracker::startSdkAsync,
        Layer.SDK_ASYNC,
        exchangeOrContext,
        rawParams,
        null,
        null,
        null);
  }

  private void startSdkAsync(
      CallStack stack,
      CallFrame top,
      CallFrame frame,
      Object exchangeOrContext,
      Object rawParams,
      Object unused,
      Class<?> type,
      String site) {
    Map<?, ?> params = rawParams instanceof Map<?, ?> map ? map : Map.of();
    Object name = params.get("name");
    own(frame, name instanceof String s ? clientText(s) : null);
    if (traces != null) {
      Object meta = params.get("_meta");
      startTraceLazily(frame, parentOf(top), Correlation.fromMeta(meta));
      frame.traceparent = top == null ? Correlation.traceparentOf(meta) : null;
      frame.viaMcp = true;
      frame.sessionId = host.sessionId(exchangeOrContext);
      frame.jsonRpcId = clientId(stack.pendingJsonRpcId);
      // Rendered when this frame records the call: for a synchronous tool the adapter claims the
      // call during assembly and renders the same arguments itself.
      frame.unrenderedArguments = params.get("arguments");
    }
  }

  /** The frame joins the call {@code top} belongs to: it counts nothing itself. */
  private static CallFrame join(CallFrame top, CallFrame frame) {
    CallFrame owner = top.counting();
    frame.owner = owner;
    owner.joined = true;
    return owner;
  }

  /** The frame owns a call of the tool {@code name}: it counts it. */
  private void own(CallFrame frame, String name) {
    frame.toolName = name;
    frame.stats = registry.forName(name);
  }

  private static CallFrame parentOf(CallFrame top) {
    return top == null ? null : top.counting();
  }

  /** The frame's summary buffer, made once per pooled frame; null when summaries are off. */
  private SummaryText summaryOf(CallFrame frame) {
    if (!summary.enabled()) {
      return null;
    }
    if (frame.summary == null) {
      frame.summary = new SummaryText(summary.maxChars());
    }
    return frame.summary;
  }

  private void renderArguments(CallFrame frame, Object arguments) {
    SummaryText text = summaryOf(frame);
    if (text != null) {
      summary.renderArguments(arguments, text);
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
    if (!(frameObject instanceof CallFrame frame) || !frame.stack.holdsOnThisThread(frame)) {
      health.internalError("tool call exit", new IllegalStateException("frame not on this thread"));
      return result;
    }
    CallStack stack = frame.stack;
    try {
      if (frame.owner != null) {
        if (thrown != null && frame.owner.innerErrorType == null) {
          frame.owner.innerErrorType = thrown.getClass().getName();
        }
      } else {
        String errorType = null;
        if (thrown != null) {
          errorType = thrown.getClass().getName();
        } else if (host.isErrorResult(result)) {
          errorType = frame.innerErrorType != null ? frame.innerErrorType : "tool_error";
        }
        finished(stack, frame, end - frame.startNanos, errorType);
      }
      return hooks.finished(frame, result, thrown);
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
    if (!(frameObject instanceof CallFrame frame) || !frame.stack.holdsOnThisThread(frame)) {
      health.internalError(
          "tools/call exit", new IllegalStateException("frame not on this thread"));
      return mono;
    }
    CallStack stack = frame.stack;
    try {
      if (frame.claimedBySyncAdapter && !frame.joined && thrown == null && mono != null) {
        return mono;
      }
      if (traces != null) {
        renderArguments(frame, frame.unrenderedArguments);
      }
      if (thrown != null || mono == null) {
        String errorType = thrown != null ? thrown.getClass().getName() : "no_result";
        finished(stack, frame, end - frame.startNanos, errorType);
        return mono;
      }
      seq(frame);
      ParentScope scope = traces == null ? null : new ParentScope(stacks, health, frame);
      AsyncCall call = new AsyncCall(this, frame, scope);
      Object observed = host.observeMono(mono, call);
      return traces == null ? observed : host.subscribeWithin(observed, scope, currentScope);
    } finally {
      stack.pop(frame);
    }
  }

  /** Counts a call its frame owns, and hands it to the trace sink (tracing on). */
  private void finished(CallStack stack, CallFrame frame, long duration, String errorType) {
    frame.stats.record(duration, errorType == null);
    if (traces == null) {
      return;
    }
    CallRecord call = stack.record;
    call.set(frame, seq(frame), duration, errorType);
    try {
      traces.offer(call);
    } finally {
      call.clear();
    }
  }

  /** Counts an asynchronous call when its {@code Mono} ended, on the thread that saw it end. */
  void finishedAsync(AsyncCall async, long duration, String errorType) {
    try {
      async.stats.record(duration, errorType == null);
      if (traces == null) {
        return;
      }
      CallRecord call = stacks.get().record;
      call.set(async, duration, errorType);
      try {
        traces.offer(call);
      } finally {
        call.clear();
      }
    } catch (RuntimeException e) {
      health.internalError("tools/call completion", e);
    }
  }

  /** Whether a {@code Mono}'s value reports {@code isError}; false when it cannot be read. */
  boolean isErrorResultSafely(Object value) {
    try {
      return host.isErrorResult(value);
    } catch (RuntimeException e) {
      health.internalError("tools/call result", e);
      return false;
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
    if (call.correlationId == null) {
      return null;
    }
    seq(call);
    return new ParentScope(stacks, health, call);
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

  /**
   * The frame's number in its chain, taken from its sequence when first needed. (Here, not on the
   * frame: a frame is confined to its thread, which static analysis cannot tell of a class that
   * touches an atomic counter.)
   */
  static int seq(CallFrame frame) {
    if (frame.seq == 0 && frame.sequence != null) {
      frame.seq = frame.sequence.incrementAndGet();
    }
    return frame.seq;
  }
}
