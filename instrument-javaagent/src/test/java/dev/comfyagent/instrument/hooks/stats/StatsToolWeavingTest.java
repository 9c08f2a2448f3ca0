package dev.comfyagent.instrument.hooks.stats;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comfyagent.instrument.bootstrap.AgentBridge;
import dev.comfyagent.instrument.host.MethodHandleHostReader;
import dev.comfyagent.instrument.record.AgentHealth;
import dev.comfyagent.instrument.record.AgentStats;
import dev.comfyagent.instrument.record.CircuitBreakerBoard;
import dev.comfyagent.instrument.record.CorrelationSequences;
import dev.comfyagent.instrument.record.InputSummary;
import dev.comfyagent.instrument.record.RateLimiterBoard;
import dev.comfyagent.instrument.record.SessionGauge;
import dev.comfyagent.instrument.record.ToolCallTracker;
import dev.comfyagent.instrument.record.ToolStatsRegistry;
import dev.comfyagent.instrument.weave.InProcessWeaver;
import dev.comfyagent.instrument.weave.SdkServerFeaturesWeave;
import dev.comfyagent.instrument.weave.SdkSessionsWeave;
import dev.comfyagent.instrument.weave.WeaveDispatch;
import dev.comfyagent.instrument.weave.Weaver;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpStatelessServerHandler;
import io.modelcontextprotocol.server.McpStatelessSyncServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStatelessServerTransport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.bytebuddy.agent.ByteBuddyAgent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import reactor.core.publisher.Mono;

/**
 * The SDK's features records woven in this JVM, with the stats tool contributor behind the bridge:
 * servers built with the real MCP SDK get the tool, with the tools capability, whatever they were
 * built with.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatsToolWeavingTest {

  private final AgentHealth health = new AgentHealth(false);
  private final ToolStatsRegistry tools = new ToolStatsRegistry(100);
  private final MethodHandleHostReader host = new MethodHandleHostReader();
  private final SessionGauge sessions = new SessionGauge(host::sessionCount);
  private final WeaveDispatch dispatch =
      new WeaveDispatch(
          new ToolCallTracker(
              tools,
              host,
              new InputSummary(200, host.treeReader()),
              new CorrelationSequences(10),
              null,
              health),
          new CircuitBreakerBoard(),
          new RateLimiterBoard(),
          sessions,
          host,
          health);
  private final AgentStats stats =
      new AgentStats(
          System.nanoTime(),
          tools,
          new CircuitBreakerBoard(),
          new RateLimiterBoard(),
          sessions,
          health,
          host,
          () -> 0,
          () -> 0,
          Map::of);
  private final McpJsonMapper json = new JacksonMcpJsonMapper(new ObjectMapper());
  private Instrumentation instrumentation;
  private Weaver.Installed transformer;

  @BeforeAll
  void weave() {
    instrumentation = ByteBuddyAgent.install();
    dispatch.addSdkServerContributor(
        new StatsToolContributor(
            "get_agent_stats", new StatsReport(stats, Path.of("logs"), () -> "test"), health));
    assertThat(AgentBridge.install(dispatch)).isTrue();
    transformer =
        InProcessWeaver.sharingLoader(health, getClass().getClassLoader())
            .install(
                instrumentation, List.of(new SdkServerFeaturesWeave(), new SdkSessionsWeave()));
  }

  @AfterAll
  void unweave() {
    transformer.reset();
    AgentBridge.uninstall(dispatch);
  }

  @Test
  void aSyncServerBuiltWithToolsListsTheStatsToolAfterItsOwn() throws IOException {
    try (Stdio stdio = new Stdio()) {
      McpSyncServer server =
          McpServer.sync(stdio.transport(json))
              .serverInfo("test", "1")
              .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
              .tools(echo())
              .build();
      try {
        assertThat(server.listTools())
            .extracting(McpSchema.Tool::name)
            .containsExactly("echo", "get_agent_stats");
        McpSchema.Tool stats = server.listTools().get(1);
        assertThat(stats.annotations().readOnlyHint()).isTrue();
        assertThat(stats.annotations().destructiveHint()).isFalse();
        assertThat(stats.inputSchema()).containsEntry("type", "object");
        assertThat(stats.description()).contains("p50/p95/p99");
      } finally {
        server.close();
      }
    }
    assertThat(health.internalErrors()).isZero();
  }

  @Test
  void theStdioTransportsOneSessionIsCountedOnAServerThatIsNotTheRuntime() throws IOException {
    try (Stdio stdio = new Stdio()) {
      int before = sessionsLeftByEarlierTests();
      McpSyncServer server =
          McpServer.sync(stdio.transport(json))
              .serverInfo("sessions", "1")
              .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
              .build();
      try {
        assertThat(sessions.observed()).isTrue();
        assertThat(sessions.active()).isEqualTo(before + 1);
        assertThat(stats.activeSessions()).hasValue(before + 1);
      } finally {
        server.close();
      }
    }
    assertThat(health.internalErrors()).isZero();
  }

  @Test
  void aServerBuiltWithoutToolsGetsTheToolsCapabilityWithTheStatsTool() throws IOException {
    try (Stdio stdio = new Stdio()) {
      McpSyncServer server =
          McpServer.sync(stdio.transport(json))
              .serverInfo("no-tools", "1")
              .capabilities(McpSchema.ServerCapabilities.builder().logging().build())
              .build();
      try {
        assertThat(server.getServerCapabilities().tools()).isNotNull();
        assertThat(server.getServerCapabilities().logging()).isNotNull();
        assertThat(server.listTools())
            .extracting(McpSchema.Tool::name)
            .containsExactly("get_agent_stats");
      } finally {
        server.close();
      }
    }
  }

  @Test
  void aStatelessServerGetsTheStatsToolToo() {
    McpStatelessSyncServer server =
        McpServer.sync(new NoTransport())
            .serverInfo("stateless", "1")
            .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
            .build();
    try {
      assertThat(server.listTools())
          .extracting(McpSchema.Tool::name)
          .containsExactly("get_agent_stats");
    } finally {
      server.close();
    }
  }

  @Test
  void aServerWithItsOwnToolOfThatNameKeepsItsOwn() throws IOException {
    try (Stdio stdio = new Stdio()) {
      McpSyncServer server =
          McpServer.sync(stdio.transport(json))
              .serverInfo("clash", "1")
              .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
              .tools(tool("get_agent_stats", "mine"))
              .build();
      try {
        assertThat(server.listTools()).hasSize(1);
        assertThat(server.listTools().get(0).description()).isEqualTo("mine");
      } finally {
        server.close();
      }
    }
  }

  @Test
  void theToolAnswersWithTextAndStructuredContentThroughTheHostsReactor() throws Exception {
    Class<?> features = Class.forName("io.modelcontextprotocol.server.McpServerFeatures$Async");
    StatsToolContributor contributor =
        new StatsToolContributor(
            "get_agent_stats", new StatsReport(stats, Path.of("logs"), () -> "test"), health);
    Object[] changed = contributor.contribute(features, null, List.of());
    assertThat(changed).hasSize(2);
    assertThat(changed[0]).isNull();
    List<?> specifications = (List<?>) changed[1];
    var specification =
        (io.modelcontextprotocol.server.McpServerFeatures.AsyncToolSpecification)
            specifications.get(0);
    McpSchema.CallToolResult result =
        specification
            .callHandler()
            .apply(null, new McpSchema.CallToolRequest("get_agent_stats", Map.of(), null))
            .block();
    assertThat(result.isError()).isFalse();
    assertThat(((McpSchema.TextContent) result.content().get(0)).text())
        .contains("instrument-javaagent test")
        .contains("No tool calls yet.");
    assertThat(new java.util.ArrayList<Object>(((Map<?, ?>) result.structuredContent()).keySet()))
        .contains("uptime_ms", "tools", "circuit_breakers", "rate_limiters", "agent");

    McpSchema.CallToolResult unknown =
        specification
            .callHandler()
            .apply(
                null,
                new McpSchema.CallToolRequest("get_agent_stats", Map.of("tool", "nope"), null))
            .block();
    assertThat(unknown.isError()).isTrue();
    assertThat(((McpSchema.TextContent) unknown.content().get(0)).text())
        .startsWith("unknown tool 'nope'")
        .contains("Known tools: get_agent_stats");
  }

  @Test
  void anSdkOfAnotherShapeIsLeftAlone() {
    StatsToolContributor contributor =
        new StatsToolContributor(
            "get_agent_stats", new StatsReport(stats, Path.of("logs"), () -> "test"), health);
    assertThat(contributor.contribute(String.class, null, List.of())).isNull();
    assertThat(contributor.servers()).isZero();
  }

  private static SyncToolSpecification echo() {
    return tool("echo", "echoes");
  }

  private static SyncToolSpecification tool(String name, String description) {
    return SyncToolSpecification.builder()
        .tool(
            McpSchema.Tool.builder(name, Map.of("type", "object")).description(description).build())
        .callHandler(
            (exchange, request) -> McpSchema.CallToolResult.builder().addTextContent("x").build())
        .build();
  }

  /** A stdio transport on pipes that nobody writes to, closed after the test. */
  /**
   * The sessions counted before this test's server, with the transports of earlier tests gone: the
   * gauge holds each SDK transport weakly and counts the one session a stdio transport keeps until
   * the transport is collected, so a collection between the count before and the count after read
   * as this server's session not counted (seen once in a full build: 2 before, 1 after). A full
   * collection first clears the weak references to every transport no longer reachable.
   */
  private int sessionsLeftByEarlierTests() {
    System.gc();
    return sessions.active();
  }

  private static final class Stdio implements AutoCloseable {
    private final PipedOutputStream feed = new PipedOutputStream();
    private final PipedInputStream in;

    Stdio() throws IOException {
      in = new PipedInputStream(feed);
    }

    StdioServerTransportProvider transport(McpJsonMapper json) {
      return new StdioServerTransportProvider(json, in, new ByteArrayOutputStream());
    }

    @Override
    public void close() throws IOException {
      feed.close();
    }
  }

  /** A stateless transport that never receives anything. */
  private static final class NoTransport implements McpStatelessServerTransport {
    @Override
    public void setMcpHandler(McpStatelessServerHandler handler) {}

    @Override
    public Mono<Void> closeGracefully() {
      return Mono.empty();
    }
  }
}
