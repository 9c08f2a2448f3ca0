package dev.comfyagent.instrument.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.instrument.host.MethodHandleHostReader;
import dev.comfyagent.instrument.record.ToolCallView.Layer;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolException;
import dev.comfyagent.runtime.tool.ToolResult;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

class ToolCallTrackerTest {

  private static final String SITE = "call(Lcom/fasterxml/jackson/databind/node/ObjectNode;)V";

  private final ToolStatsRegistry registry = new ToolStatsRegistry(100);
  private final List<TraceEvent> events = new CopyOnWriteArrayList<>();
  private final AgentHealth health = new AgentHealth(false);
  private final MethodHandleHostReader host = new MethodHandleHostReader();
  private final ToolCallTracker tracker = tracker(events::add);
  private final ObjectNode arguments = new ObjectMapper().createObjectNode().put("path", "/w.json");

  @Test
  void nestedToolsAreChildrenSharingTheCorrelationIdInStartOrder() {
    Object outer =
        tracker.enterCode(
            Layer.TOOL, "chain", new NamedTool("chain"), NamedTool.class, SITE, arguments);
    Object first =
        tracker.enterCode(
            Layer.TOOL, "echo", new NamedTool("echo"), NamedTool.class, SITE, arguments);
    tracker.exit(first, ToolResult.text("ok"), null);
    Object second =
        tracker.enterCode(
            Layer.TOOL, "echo", new NamedTool("echo"), NamedTool.class, SITE, arguments);
    tracker.exit(second, ToolResult.error("no"), null);
    tracker.exit(outer, ToolResult.text("ok"), null);

    assertThat(events).extracting(TraceEvent::toolName).containsExactly("echo", "echo", "chain");
    assertThat(events).extracting(TraceEvent::seq).containsExactly(2, 3, 1);
    assertThat(events).extracting(TraceEvent::parentSeq).containsExactly(1, 1, 0);
    assertThat(events)
        .extracting(TraceEvent::correlationId)
        .containsOnly(events.get(2).correlationId());
    assertThat(events.get(1).errorType()).isEqualTo("tool_error");
    assertThat(events.get(0).inputSummary()).isEqualTo("path=/w.json");
    assertThat(registry.forName("echo").total().calls()).isEqualTo(2);
    assertThat(tracker.depthOnThisThread()).isZero();
  }

  @Test
  void anExitOnAnotherThreadLeavesTheFrameAndTheResultAloneAndIsCounted() throws Exception {
    Object frame =
        tracker.enterCode(
            Layer.TOOL, "echo", new NamedTool("echo"), NamedTool.class, SITE, arguments);
    ToolResult result = ToolResult.text("ok");
    Object[] returned = new Object[1];
    Thread other = new Thread(() -> returned[0] = tracker.exit(frame, result, null));
    other.start();
    other.join();

    assertThat(returned[0]).isSameAs(result);
    assertThat(health.internalErrors()).isEqualTo(1);
    assertThat(tracker.depthOnThisThread()).isEqualTo(1);
    assertThat(events).isEmpty();

    tracker.exit(frame, result, null);
    assertThat(tracker.depthOnThisThread()).isZero();
    assertThat(events).extracting(TraceEvent::toolName).containsExactly("echo");
  }

  @Test
  void runtimeToolInsideTheSdkAdapterIsOneCallCarryingTheToolsException() {
    McpSchema.CallToolRequest request =
        McpSchema.CallToolRequest.builder()
            .name("load_workflow")
            .arguments(Map.of("path", "/w.json", "token", "t"))
            .meta(Map.of("correlation_id", "client-1"))
            .build();
    Object sdk = tracker.enterSdkSync(null, request);
    Object tool =
        tracker.enterCode(
            Layer.TOOL,
            "load_workflow",
            new NamedTool("load_workflow"),
            NamedTool.class,
            SITE,
            arguments);
    tracker.exit(tool, null, new ToolException("no such file"));
    tracker.exit(
        sdk, McpSchema.CallToolResult.builder().addTextContent("no").isError(true).build(), null);

    assertThat(events).hasSize(1);
    TraceEvent call = events.get(0);
    assertThat(call.toolName()).isEqualTo("load_workflow");
    assertThat(call.errorType()).isEqualTo(ToolException.class.getName());
    assertThat(call.correlationId()).isEqualTo("client-1");
    assertThat(call.viaMcp()).isTrue();
    assertThat(call.inputSummary()).contains("path=/w.json").contains("token=[redacted]");
    assertThat(registry.forName("load_workflow").total().err()).isEqualTo(1);
  }

  @Test
  void theRuntimesMdcCorrelationIdWinsWhenItsToolJoinsTheSdkCall() {
    Object sdk =
        tracker.enterSdkSync(null, McpSchema.CallToolRequest.builder().name("echo").build());
    MDC.put("correlation_id", "runtime-id");
    try {
      Object tool =
          tracker.enterCode(
              Layer.TOOL, "echo", new NamedTool("echo"), NamedTool.class, SITE, arguments);
      tracker.exit(tool, ToolResult.text("ok"), null);
    } finally {
      MDC.remove("correlation_id");
    }
    tracker.exit(sdk, McpSchema.CallToolResult.builder().addTextContent("ok").build(), null);
    assertThat(events)
        .singleElement()
        .extracting(TraceEvent::correlationId)
        .isEqualTo("runtime-id");
  }

  @Test
  void aDifferentlyNamedFrameInsideAnSdkCallIsItsChild() {
    Object sdk =
        tracker.enterSdkSync(null, McpSchema.CallToolRequest.builder().name("render").build());
    Object helper =
        tracker.enterCode(
            Layer.PATTERN,
            "Helper#render",
            new Object(),
            Helper.class,
            "render(Ljava/lang/String;)V",
            new Object[] {"fox"});
    tracker.exit(helper, "done", null);
    tracker.exit(sdk, McpSchema.CallToolResult.builder().addTextContent("ok").build(), null);
    assertThat(events).extracting(TraceEvent::toolName).containsExactly("Helper#render", "render");
    assertThat(events.get(0).parentSeq()).isEqualTo(events.get(1).seq());
    assertThat(events.get(0).inputSummary()).isEqualTo("arg0=fox");
  }

  @Test
  void aSuperCallOnTheSameReceiverIsTheSameCall() {
    NamedTool tool = new NamedTool("echo");
    Object outer = tracker.enterCode(Layer.TOOL, "echo", tool, NamedTool.class, SITE, arguments);
    Object inner = tracker.enterCode(Layer.TOOL, "echo", tool, NamedTool.class, SITE, arguments);
    tracker.exit(inner, ToolResult.text("ok"), null);
    tracker.exit(outer, ToolResult.text("ok"), null);
    assertThat(events).hasSize(1);
  }

  @Test
  void asyncCallClaimedBySyncAdapterIsCountedOnlyByTheAdapterWithItsJsonRpcId() throws Exception {
    McpSchema.CallToolRequest request = McpSchema.CallToolRequest.builder().name("echo").build();
    Object token =
        tracker.enterJsonRpc(new McpSchema.JSONRPCRequest("2.0", "tools/call", 7, Map.of()));
    Object async =
        tracker.enterSdkAsync(
            null, Map.of("name", "echo", "_meta", Map.of("correlation_id", "c-9")));
    tracker.syncAdapterAssembled(request);
    Mono<String> mono = Mono.just("untouched");
    assertThat(tracker.exitSdkAsync(async, mono, null)).isSameAs(mono);
    tracker.exitJsonRpc(token);
    assertThat(events).isEmpty();

    runSyncAdapterOnAWorker(request);
    assertThat(events).singleElement().extracting(TraceEvent::jsonRpcId).isEqualTo(7);
    assertThat(registry.forName("echo").total().calls()).isEqualTo(1);
  }

  @Test
  void aSynchronousToolsArgumentsAreSummarisedOnceByTheAdapterNotAlsoByTheAsyncHandler()
      throws Exception {
    CountingArguments arguments = new CountingArguments(Map.of("n", 1));
    McpSchema.CallToolRequest request =
        McpSchema.CallToolRequest.builder().name("echo").arguments(arguments).build();
    Object async = tracker.enterSdkAsync(null, Map.of("name", "echo", "arguments", arguments));
    tracker.syncAdapterAssembled(request);
    tracker.exitSdkAsync(async, Mono.just("untouched"), null);
    assertThat(arguments.reads).as("reads by the claimed asynchronous frame").isZero();

    runSyncAdapterOnAWorker(request);
    assertThat(events).singleElement().extracting(TraceEvent::inputSummary).isEqualTo("n=1");
    assertThat(arguments.reads).as("reads by the adapter, which rendered it").isPositive();
  }

  @Test
  void aClaimedAsyncHandlerThatThrowsRecordsTheCallWithItsArguments() {
    Object async = tracker.enterSdkAsync(null, Map.of("name", "echo", "arguments", Map.of("n", 2)));
    tracker.syncAdapterAssembled(McpSchema.CallToolRequest.builder().name("echo").build());
    tracker.exitSdkAsync(async, null, new IllegalStateException("assembly failed"));
    assertThat(events)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.errorType()).isEqualTo(IllegalStateException.class.getName());
              assertThat(e.inputSummary()).isEqualTo("n=2");
            });
  }

  /** The SDK's synchronous adapter runs {@code request} on a worker thread, as Reactor runs it. */
  private void runSyncAdapterOnAWorker(McpSchema.CallToolRequest request)
      throws InterruptedException {
    Thread worker =
        new Thread(
            () -> {
              Object sdk = tracker.enterSdkSync(null, request);
              tracker.exit(
                  sdk, McpSchema.CallToolResult.builder().addTextContent("ok").build(), null);
            });
    worker.start();
    worker.join();
  }

  /** Arguments that count how often their entries are read. */
  private static final class CountingArguments extends java.util.AbstractMap<String, Object> {
    private final Map<String, Object> entries;
    int reads;

    CountingArguments(Map<String, Object> entries) {
      this.entries = entries;
    }

    @Override
    public java.util.Set<Entry<String, Object>> entrySet() {
      reads++;
      return entries.entrySet();
    }
  }

  @Test
  void unclaimedAsyncCallIsCountedWhenItsMonoTerminates() {
    Sinks.One<McpSchema.CallToolResult> sink = Sinks.one();
    Object token =
        tracker.enterJsonRpc(new McpSchema.JSONRPCRequest("2.0", "tools/call", "req-1", Map.of()));
    Object frame = tracker.enterSdkAsync(null, Map.of("name", "slow", "arguments", Map.of("n", 1)));
    @SuppressWarnings("unchecked")
    Mono<McpSchema.CallToolResult> observed =
        (Mono<McpSchema.CallToolResult>) tracker.exitSdkAsync(frame, sink.asMono(), null);
    tracker.exitJsonRpc(token);
    assertThat(events).isEmpty();
    McpSchema.CallToolResult result =
        McpSchema.CallToolResult.builder().addTextContent("late").isError(true).build();
    new Thread(() -> sink.tryEmitValue(result)).start();
    assertThat(observed.block(Duration.ofSeconds(10))).isSameAs(result);
    assertThat(events)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.toolName()).isEqualTo("slow");
              assertThat(e.errorType()).isEqualTo("tool_error");
              assertThat(e.jsonRpcId()).isEqualTo("req-1");
              assertThat(e.inputSummary()).isEqualTo("n=1");
            });
  }

  @Test
  void anAsyncToolsWorkIsItsChildWhenSubscribedAndOnTheReactorWorkerItHandsWorkTo() {
    for (boolean hop : new boolean[] {false, true}) {
      events.clear();
      Object frame =
          tracker.enterSdkAsync(
              null, Map.of("name", "render", "_meta", Map.of("correlation_id", "chain-" + hop)));
      Mono<String> work =
          Mono.fromCallable(
              () -> {
                Object inner =
                    tracker.enterCode(
                        Layer.TOOL,
                        "inner",
                        new NamedTool("inner"),
                        NamedTool.class,
                        SITE,
                        arguments);
                tracker.exit(inner, ToolResult.text("ok"), null);
                return Thread.currentThread().getName();
              });
      Mono<?> tool = hop ? work.subscribeOn(Schedulers.boundedElastic()) : work;
      Mono<?> observed = (Mono<?>) tracker.exitSdkAsync(frame, tool, null);
      assertThat(tracker.depthOnThisThread()).isZero();

      Object ranOn = observed.block(Duration.ofSeconds(10));

      assertThat(String.valueOf(ranOn)).as("hop " + hop).contains(hop ? "boundedElastic" : "");
      assertThat(events).extracting(TraceEvent::toolName).containsExactly("inner", "render");
      assertThat(events).extracting(TraceEvent::correlationId).containsOnly("chain-" + hop);
      assertThat(events).extracting(TraceEvent::seq).containsExactly(2, 1);
      assertThat(events).extracting(TraceEvent::parentSeq).containsExactly(1, 0);
    }
    assertThat(tracker.depthOnThisThread()).isZero();
    assertThat(health.internalErrors()).isZero();
  }

  @Test
  void anAsyncToolsMonoKeepsItsSubscribersReactorContextAndCancellation() {
    Object frame = tracker.enterSdkAsync(null, Map.of("name", "context"));
    Mono<?> observed =
        (Mono<?>)
            tracker.exitSdkAsync(frame, Mono.deferContextual(c -> Mono.just(c.get("k"))), null);
    assertThat(observed.contextWrite(Context.of("k", "v")).block(Duration.ofSeconds(10)))
        .isEqualTo("v");
    java.util.concurrent.atomic.AtomicBoolean cancelled =
        new java.util.concurrent.atomic.AtomicBoolean();
    Object pending = tracker.enterSdkAsync(null, Map.of("name", "pending"));
    Mono<?> never =
        (Mono<?>)
            tracker.exitSdkAsync(pending, Mono.never().doOnCancel(() -> cancelled.set(true)), null);
    never.subscribe().dispose();
    assertThat(cancelled).isTrue();
    assertThat(events).extracting(TraceEvent::errorType).containsExactly(null, "cancelled");
  }

  @Test
  void failedAndCancelledAsyncCallsAreCountedOnceAsErrors() {
    Object failing = tracker.enterSdkAsync(null, Map.of("name", "a"));
    Mono<?> failed =
        (Mono<?>)
            tracker.exitSdkAsync(failing, Mono.error(new IllegalArgumentException("x")), null);
    assertThatThrownBy(failed::block).isInstanceOf(IllegalArgumentException.class);
    Object cancelling = tracker.enterSdkAsync(null, Map.of("name", "b"));
    Mono<?> never = (Mono<?>) tracker.exitSdkAsync(cancelling, Mono.never(), null);
    never.subscribe().dispose();
    never.subscribe().dispose();
    assertThat(events)
        .extracting(TraceEvent::errorType)
        .containsExactly(IllegalArgumentException.class.getName(), "cancelled");
  }

  @Test
  void handlerThatThrowsOrReturnsNothingIsAnError() {
    Object frame = tracker.enterSdkAsync(null, Map.of("name", "broken"));
    assertThat(tracker.exitSdkAsync(frame, null, new IllegalStateException())).isNull();
    Object empty = tracker.enterSdkAsync(null, "not a map");
    assertThat(tracker.exitSdkAsync(empty, null, null)).isNull();
    assertThat(events)
        .extracting(TraceEvent::errorType)
        .containsExactly("java.lang.IllegalStateException", "no_result");
    assertThat(events.get(1).toolName()).isNull();
  }

  @Test
  void hooksSeeEveryFrameAndMayReplaceTheResult() {
    List<String> seen = new CopyOnWriteArrayList<>();
    tracker.addHook(
        new ToolCallHook() {
          @Override
          public void started(ToolCallView call) {
            seen.add("start " + call.toolName() + " " + call.layer() + " joined=" + call.joined());
          }

          @Override
          public Object finished(ToolCallView call, Object result, Throwable thrown) {
            return call.layer() == Layer.TOOL ? ((ToolResult) result).withText("suffixed") : result;
          }
        });
    tracker.addHook(
        new ToolCallHook() {
          @Override
          public void started(ToolCallView call) {
            throw new IllegalStateException("a broken hook");
          }
        });
    Object frame =
        tracker.enterCode(
            Layer.TOOL,
            "execute_workflow",
            new NamedTool("execute_workflow"),
            NamedTool.class,
            SITE,
            arguments);
    Object returned = tracker.exit(frame, ToolResult.text("Rendered in 4.2s"), null);
    assertThat(((ToolResult) returned).text()).isEqualTo("suffixed");
    assertThat(seen).containsExactly("start execute_workflow TOOL joined=false");
    assertThat(health.internalErrors()).isEqualTo(1);
  }

  @Test
  void aHookSeesOnlyTheToolsItObservesJoinedFramesIncluded() {
    List<String> seen = new CopyOnWriteArrayList<>();
    tracker.addHook(recordingHook("gpu", seen, "execute_workflow"::equals));
    McpSchema.CallToolRequest render =
        McpSchema.CallToolRequest.builder().name("execute_workflow").arguments(Map.of()).build();
    Object sdk = tracker.enterSdkSync(null, render);
    Object tool =
        tracker.enterCode(
            Layer.TOOL,
            "execute_workflow",
            new NamedTool("execute_workflow"),
            NamedTool.class,
            SITE,
            arguments);
    tracker.exit(tool, ToolResult.text("Rendered in 1s"), null);
    tracker.exit(sdk, McpSchema.CallToolResult.builder().addTextContent("ok").build(), null);
    Object other =
        tracker.enterCode(
            Layer.TOOL,
            "load_workflow",
            new NamedTool("load_workflow"),
            NamedTool.class,
            SITE,
            null);
    tracker.exit(other, ToolResult.text("ok"), null);

    assertThat(seen)
        .containsExactly(
            "gpu start execute_workflow SDK",
            "gpu start execute_workflow TOOL",
            "gpu end execute_workflow TOOL",
            "gpu end execute_workflow SDK");
  }

  @Test
  void aHookAddedLaterIsChosenForToolsAlreadyCalled() {
    List<String> seen = new CopyOnWriteArrayList<>();
    tracker.addHook(recordingHook("none", seen, name -> false));
    Object first =
        tracker.enterCode(Layer.TOOL, "echo", new NamedTool("echo"), NamedTool.class, SITE, null);
    tracker.exit(first, ToolResult.text("ok"), null);
    tracker.addHook(recordingHook("all", seen, name -> true));
    Object second =
        tracker.enterCode(Layer.TOOL, "echo", new NamedTool("echo"), NamedTool.class, SITE, null);
    tracker.exit(second, ToolResult.text("ok"), null);

    assertThat(seen).containsExactly("all start echo TOOL", "all end echo TOOL");
  }

  @Test
  void aHookWhoseChoiceFailsSeesEveryCallAndTheFailureIsCounted() {
    List<String> seen = new CopyOnWriteArrayList<>();
    tracker.addHook(
        recordingHook(
            "broken",
            seen,
            name -> {
              throw new IllegalStateException("cannot choose");
            }));
    Object frame =
        tracker.enterCode(Layer.TOOL, "echo", new NamedTool("echo"), NamedTool.class, SITE, null);
    tracker.exit(frame, ToolResult.text("ok"), null);

    assertThat(seen).containsExactly("broken start echo TOOL", "broken end echo TOOL");
    assertThat(health.internalErrors()).isEqualTo(1);
  }

  @Test
  void callsCountedUnderAnAggregateNameGoToEveryHook() {
    ToolStatsRegistry oneTool = new ToolStatsRegistry(1);
    ToolCallTracker small =
        new ToolCallTracker(
            oneTool,
            host,
            new InputSummary(200, host.treeReader()),
            new CorrelationSequences(100),
            null,
            health);
    List<String> seen = new CopyOnWriteArrayList<>();
    small.addHook(recordingHook("gpu", seen, "execute_workflow"::equals));
    Object first =
        small.enterCode(Layer.TOOL, "echo", new NamedTool("echo"), NamedTool.class, SITE, null);
    small.exit(first, ToolResult.text("ok"), null);
    Object overflow =
        small.enterCode(
            Layer.TOOL,
            "execute_workflow",
            new NamedTool("execute_workflow"),
            NamedTool.class,
            SITE,
            null);
    small.exit(overflow, ToolResult.text("ok"), null);

    assertThat(seen)
        .containsExactly("gpu start execute_workflow TOOL", "gpu end execute_workflow TOOL");
  }

  private static ToolCallHook recordingHook(
      String label, List<String> seen, java.util.function.Predicate<String> tools) {
    return new ToolCallHook() {
      @Override
      public boolean observes(String toolName) {
        return tools.test(toolName);
      }

      @Override
      public void started(ToolCallView call) {
        seen.add(label + " start " + call.toolName() + " " + call.layer());
      }

      @Override
      public Object finished(ToolCallView call, Object result, Throwable thrown) {
        seen.add(label + " end " + call.toolName() + " " + call.layer());
        return result;
      }
    };
  }

  @Test
  void aFrameFromElsewhereIsCountedAsAnInternalErrorAndTheResultPassesThrough() {
    assertThat(tracker.exit("not a frame", "result", null)).isEqualTo("result");
    assertThat(tracker.exitSdkAsync("not a frame", "mono", null)).isEqualTo("mono");
    assertThat(health.internalErrors()).isEqualTo(2);
  }

  @Test
  void withTracingOffCallsAreCountedAndNothingIsTraced() {
    ToolCallTracker untraced = tracker(null);
    assertThat(untraced.tracing()).isFalse();
    Object frame =
        untraced.enterCode(
            Layer.TOOL, "echo", new NamedTool("echo"), NamedTool.class, SITE, arguments);
    untraced.exit(frame, ToolResult.text("ok"), null);
    assertThat(untraced.enterJsonRpc(new Object())).isNull();
    assertThat(registry.forName("echo").total().ok()).isEqualTo(1);
    assertThat(events).isEmpty();
  }

  @Test
  void aTracedCallIsStampedWithTheWallClockTimeItStartedAndAnAsyncOneWithItsHandlersStart() {
    long before = System.currentTimeMillis();
    Object frame =
        tracker.enterCode(
            Layer.TOOL, "echo", new NamedTool("echo"), NamedTool.class, SITE, arguments);
    long entered = System.currentTimeMillis();
    sleepMillis(30);
    tracker.exit(frame, ToolResult.text("ok"), null);

    Sinks.One<Object> result = Sinks.one();
    long asyncBefore = System.currentTimeMillis();
    Object async = tracker.enterSdkAsync(null, Map.of("name", "render"));
    Mono<?> mono = (Mono<?>) tracker.exitSdkAsync(async, result.asMono(), null);
    long asyncEntered = System.currentTimeMillis();
    mono.subscribe();
    sleepMillis(30);
    result.tryEmitValue(McpSchema.CallToolResult.builder().isError(false).build());

    assertThat(events).hasSize(2);
    assertThat(events.get(0).epochMillis()).isBetween(before - 1, entered + 1);
    assertThat(events.get(1).epochMillis()).isBetween(asyncBefore - 1, asyncEntered + 1);
  }

  private static void sleepMillis(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void clientChosenToolNamesAreBounded() {
    assertThat(ToolCallTracker.clientText("x".repeat(5000))).hasSize(200).endsWith("…");
    assertThat(ToolCallTracker.clientText("short")).isEqualTo("short");
  }

  private ToolCallTracker tracker(TraceSink sink) {
    return new ToolCallTracker(
        registry,
        host,
        new InputSummary(200, host.treeReader()),
        new CorrelationSequences(100),
        sink,
        health);
  }

  /**
   * A runtime tool implemented by a private class: its name is read through the public interface.
   */
  private static final class NamedTool implements Tool {
    private final String name;

    NamedTool(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String description() {
      return "test tool";
    }

    @Override
    public ObjectNode inputSchema() {
      return null;
    }

    @Override
    public ToolResult call(ObjectNode arguments, ToolContext context) {
      return ToolResult.text("ok");
    }
  }

  private static final class Helper {}
}
