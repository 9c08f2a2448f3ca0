package dev.comfyagent.benchmarks.overhead;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolResult;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.slf4j.MDC;

/**
 * What an agent adds to one tool call: a runtime {@link Tool} called directly, with no agent, with
 * this project's agent (tracing off, tracing on) and with the OpenTelemetry Java agent
 * instrumenting the same method. Read ns/op and, with {@code -prof gc}, {@code gc.alloc.rate.norm}
 * (B/op): the tool itself allocates nothing.
 *
 * <p>Each configuration needs its own JVM arguments, so {@link
 * dev.comfyagent.benchmarks.BenchmarkSuite} runs one fork per configuration and sets {@link #agent}
 * to match; run alone (plain {@code java -jar benchmarks.jar}) only {@code none} runs. A fork
 * checks that its command line names exactly the agent its parameter names and that this agent is
 * running (and no other), and with tracing on that trace lines were written, so no number is ever
 * labelled with an agent that did not observe the call.
 *
 * <p>The correlation id is in the SLF4J MDC, as the runtime's MCP adapter puts it there before
 * every call, so an agent finds it where it would in production.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class AgentOverheadBenchmark {

  /** The work before each {@link #queuedToolCall}, in {@link Blackhole#consumeCPU} tokens. */
  static final long PACE_TOKENS = 1_000;

  /** Which {@link AgentConfiguration} this fork runs under, by id. */
  @Param({"none"})
  public String agent;

  private Tool tool;
  private ObjectNode arguments;
  private ToolContext context;
  private AgentConfiguration configuration;

  @Setup(Level.Trial)
  public void setUp() {
    configuration = AgentConfiguration.byId(agent);
    configuration.verifyAttached(ManagementFactory.getRuntimeMXBean().getInputArguments());
    configuration.verifyRunning();
    tool = new ConstantResultTool();
    arguments = JsonNodeFactory.instance.objectNode();
    arguments.put("node_id", "3");
    arguments.put("input", "seed");
    arguments.put("value", 1_125_899_906_842_597L);
    context = ToolContext.detached("benchmark-connection");
    MDC.put("correlation_id", "4bf92f3577b34da6a3ce929d0e0e4736");
  }

  /** One tool call, as the runtime's MCP adapter makes it. */
  @Benchmark
  public ToolResult toolCall() {
    return tool.call(arguments, context);
  }

  /**
   * The same call after about a microsecond of other work ({@link Blackhole#consumeCPU}), which the
   * {@code none} row of this method subtracts again. Back to back, {@link #toolCall} comes faster
   * than any trace writer drains, so with tracing on most of its calls find the queue full and are
   * dropped, which is cheaper than queuing one (docs/benchmarks.md); paced like this, every traced
   * call is queued and written, as in a server, where a call takes tens of microseconds.
   */
  @Benchmark
  public ToolResult queuedToolCall() {
    Blackhole.consumeCPU(PACE_TOKENS);
    return tool.call(arguments, context);
  }

  @TearDown(Level.Trial)
  public void checkTracing() throws InterruptedException, IOException {
    MDC.remove("correlation_id");
    if (!configuration.needsAgentJar()) {
      return;
    }
    Path traces =
        outputDir(ManagementFactory.getRuntimeMXBean().getInputArguments()).resolve("traces.jsonl");
    if (configuration == AgentConfiguration.AGENT_TRACE_OFF) {
      if (Files.isRegularFile(traces) && Files.size(traces) > 0) {
        throw new IllegalStateException(
            "agent-trace-off: the agent wrote "
                + traces
                + " although tracing is off, so trace=off did not take effect");
      }
      return;
    }
    // Traces are written by a background thread; give it a moment after the last call.
    for (int i = 0; i < 50 && !(Files.isRegularFile(traces) && Files.size(traces) > 0); i++) {
      Thread.sleep(100);
    }
    if (!Files.isRegularFile(traces) || Files.size(traces) == 0) {
      throw new IllegalStateException(
          "agent-trace-on: "
              + traces
              + " is empty after the run: the agent did not trace "
              + ConstantResultTool.class.getName()
              + "#call, so its figures would describe an idle agent");
    }
  }

  /** The {@code output.dir} option of this project's agent, from the fork's arguments. */
  static Path outputDir(List<String> jvmInputArguments) {
    for (String arg : jvmInputArguments) {
      int at = arg.startsWith("-javaagent:") ? arg.indexOf("output.dir=") : -1;
      if (at >= 0) {
        int end = arg.indexOf(',', at);
        return Path.of(arg.substring(at + "output.dir=".length(), end < 0 ? arg.length() : end));
      }
    }
    throw new IllegalStateException("no output.dir option on the agent's command line");
  }
}
