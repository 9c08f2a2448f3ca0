package dev.comfyagent.instrument.emit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.instrument.host.MethodHandleHostReader;
import dev.comfyagent.instrument.record.AgentHealth;
import dev.comfyagent.instrument.record.CorrelationSequences;
import dev.comfyagent.instrument.record.HostReader;
import dev.comfyagent.instrument.record.InputSummary;
import dev.comfyagent.instrument.record.ToolCallTracker;
import dev.comfyagent.instrument.record.ToolCallView.Layer;
import dev.comfyagent.instrument.record.ToolStatsRegistry;
import dev.comfyagent.instrument.record.TraceEvent;
import dev.comfyagent.instrument.record.TreeReader;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A traced call hands its trace line to the writer without making an object on the tool's thread,
 * and the queue loses or repeats nothing when many threads offer at once.
 */
class TracedCallWithoutObjectsTest {

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  // Bytes allowed in 10,000 calls: under 0.1 B a call, so nothing per call.
  private static final long NEARLY_NOTHING = 1_000;

  private final AgentHealth health = new AgentHealth(false);

  private ToolCallTracker tracker(TraceQueue queue) {
    return new ToolCallTracker(
        new ToolStatsRegistry(10),
        new PlainHost(),
        new InputSummary(200, TreeReader.NONE),
        new CorrelationSequences(10),
        queue,
        health);
  }

  @Test
  void aTracedCallWithPlainArgumentsAllocatesNothingOnTheToolsThread() {
    TraceQueue queue = new TraceQueue(64);
    ToolCallTracker tracker = tracker(queue);
    TraceLineEncoder lines = new TraceLineEncoder(null);
    TraceQueue.SlotReader encode = lines::line;
    Object tool = new Object();
    for (int i = 0; i < 20_000; i++) {
      tracedCall(tracker, tool, queue, encode, lines);
    }
    long allocated = fewestBytesAllocated(() -> tracedCall(tracker, tool, queue, encode, lines));

    assertThat(allocated).as("bytes allocated by 10,000 traced calls").isLessThan(NEARLY_NOTHING);
    assertThat(queue.dropped()).isZero();
    assertThat(health.internalErrors()).isZero();
  }

  @Test
  void aTracedCallWithAToolsJacksonArgumentsAllocatesNothingOnTheToolsThread() throws Exception {
    // The benchmark's arguments, as the runtime's tools get them: a Jackson ObjectNode.
    ObjectNode arguments =
        (ObjectNode)
            new ObjectMapper()
                .readTree("{\"node_id\":\"3\",\"input\":\"seed\",\"value\":1125899906842597}");
    TraceQueue queue = new TraceQueue(64);
    ToolCallTracker tracker =
        new ToolCallTracker(
            new ToolStatsRegistry(10),
            new PlainHost(),
            new InputSummary(200, new MethodHandleHostReader().treeReader()),
            new CorrelationSequences(10),
            queue,
            health);
    Object tool = new Object();
    TraceSlot[] last = new TraceSlot[1];
    TraceQueue.SlotReader keep = slot -> last[0] = slot;
    for (int i = 0; i < 20_000; i++) {
      tracker.exit(
          tracker.enterCode(Layer.TOOL, "t", tool, Object.class, "c()V", arguments), 1, null);
      queue.drain(keep, 1);
    }
    long allocated =
        fewestBytesAllocated(
            () -> {
              tracker.exit(
                  tracker.enterCode(Layer.TOOL, "t", tool, Object.class, "c()V", arguments),
                  1,
                  null);
              queue.drain(keep, 1);
            });

    // The fields are walked without an iterator (where the JIT did not remove Jackson's iterator,
    // it was the 32 bytes a call made in AgentOverheadBenchmark)
    assertThat(allocated).as("bytes allocated by 10,000 traced calls").isLessThan(NEARLY_NOTHING);
    assertThat(new String(last[0].summary, 0, last[0].summaryLength))
        .isEqualTo("node_id=3, input=seed, value=1125899906842597");
    assertThat(health.internalErrors()).isZero();
  }

  @Test
  void aTracedCallReachesTheQueueWithItsNameCorrelationOutcomeAndSummary() {
    TraceQueue queue = new TraceQueue(8);
    ToolCallTracker tracker = tracker(queue);
    Object tool = new Object();

    Object ok = tracker.enterCode(Layer.TOOL, "plain", tool, Object.class, "call()V", "seed=42");
    tracker.exit(ok, null, null);
    Object failed = tracker.enterCode(Layer.TOOL, "plain", tool, Object.class, "call()V", "x=1");
    tracker.exit(failed, null, new IllegalStateException("boom"));

    TraceEvent first = queue.poll();
    assertThat(first.toolName()).isEqualTo("plain");
    assertThat(first.correlationId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(first.success()).isTrue();
    assertThat(first.errorType()).isNull();
    assertThat(first.inputSummary()).contains("seed=42");
    TraceEvent second = queue.poll();
    assertThat(second.success()).isFalse();
    assertThat(second.errorType()).isEqualTo(IllegalStateException.class.getName());
    assertThat(second.inputSummary()).contains("x=1");
    assertThat(second.seq()).isGreaterThan(first.seq());
  }

  /**
   * The fewest bytes this thread allocated in 10,000 runs of {@code call}, over up to five such
   * windows. A call that allocates anything allocates it in every window; a one-off of the JVM in
   * the middle of one (a method compiled anew, about a kilobyte now and then when this class runs
   * on its own) does not repeat in the next.
   */
  private static long fewestBytesAllocated(Runnable call) {
    long fewest = Long.MAX_VALUE;
    for (int window = 0; window < 5 && fewest >= NEARLY_NOTHING; window++) {
      long before = THREADS.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < 10_000; i++) {
        call.run();
      }
      fewest = Math.min(fewest, THREADS.getCurrentThreadAllocatedBytes() - before);
    }
    return fewest;
  }

  private static void tracedCall(
      ToolCallTracker tracker,
      Object tool,
      TraceQueue queue,
      TraceQueue.SlotReader encode,
      TraceLineEncoder lines) {
    Object frame = tracker.enterCode(Layer.TOOL, "plain", tool, Object.class, "call()V", "seed=42");
    tracker.exit(frame, null, null);
    queue.drain(encode, 1);
    lines.clear();
  }

  @Test
  void producersOnManyThreadsLoseAndRepeatNothingThatWasAccepted() throws Exception {
    TraceQueue queue = new TraceQueue(100);
    int threads = 4;
    int each = 20_000;
    List<Thread> producers = new ArrayList<>();
    int[] accepted = new int[threads];
    for (int t = 0; t < threads; t++) {
      int id = t;
      producers.add(
          new Thread(
              () -> {
                for (int i = 0; i < each; i++) {
                  if (queue.offer(
                      new dev.comfyagent.instrument.record.TraceEvent(
                          0, "c", "t" + id, i, true, "i=" + i, i + 1, 0, null, false, null,
                          null))) {
                    accepted[id]++;
                  }
                }
              }));
    }
    Set<String> seen = new HashSet<>();
    List<String> duplicates = new ArrayList<>();
    producers.forEach(Thread::start);
    boolean running = true;
    while (running) {
      running = producers.stream().anyMatch(Thread::isAlive);
      queue.drain(
          slot -> {
            String key = slot.toolName + "/" + slot.seq;
            String summary = new String(slot.summary, 0, slot.summaryLength);
            if (!summary.equals("i=" + (slot.seq - 1)) || !seen.add(key)) {
              duplicates.add(key + " " + summary);
            }
          },
          Integer.MAX_VALUE);
    }
    for (Thread producer : producers) {
      producer.join();
    }
    queue.drain(slot -> seen.add(slot.toolName + "/" + slot.seq), Integer.MAX_VALUE);

    int total = 0;
    for (int a : accepted) {
      total += a;
    }
    assertThat(duplicates).isEmpty();
    assertThat(seen).hasSize(total);
    assertThat(total + queue.dropped()).isEqualTo((long) threads * each);
    assertThat(queue.size()).isZero();
  }

  /** A host whose tool is named "plain", with a correlation id in its MDC. */
  private static final class PlainHost implements HostReader {
    @Override
    public TreeReader treeReader() {
      return TreeReader.NONE;
    }

    @Override
    public String toolName(Object tool, Class<?> type) {
      return "plain";
    }

    @Override
    public String patternName(Class<?> type, String site) {
      return "Plain#call";
    }

    @Override
    public String[] parameterNames(Class<?> type, String site) {
      return new String[0];
    }

    @Override
    public boolean isErrorResult(Object result) {
      return false;
    }

    @Override
    public String mdcCorrelationId(Class<?> hostType) {
      return "4bf92f3577b34da6a3ce929d0e0e4736";
    }

    @Override
    public String requestName(Object callToolRequest) {
      return null;
    }

    @Override
    public String specificationToolName(Object toolSpecification) {
      return null;
    }

    @Override
    public Map<?, ?> requestArguments(Object callToolRequest) {
      return null;
    }

    @Override
    public Map<?, ?> requestMeta(Object callToolRequest) {
      return null;
    }

    @Override
    public String sessionId(Object exchangeOrContext) {
      return null;
    }

    @Override
    public Object jsonRpcId(Object jsonRpcRequest) {
      return null;
    }

    @Override
    public String resilienceName(Object breakerOrLimiter) {
      return null;
    }

    @Override
    public String circuitBreakerState(Object circuitBreaker) {
      return null;
    }

    @Override
    public int sessionCount(Object registry) {
      return -1;
    }

    @Override
    public Object observeMono(Object mono, MonoObserver observer) {
      return mono;
    }

    @Override
    public Object subscribeWithin(Object mono, CallScope scope, Supplier<CallScope> current) {
      return mono;
    }
  }
}
