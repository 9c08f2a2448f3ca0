package dev.comfyagent.instrument.weave;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comfyagent.instrument.bootstrap.AgentBridge;
import dev.comfyagent.instrument.bootstrap.BridgeDispatch;
import dev.comfyagent.instrument.record.AgentHealth;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import net.bytebuddy.agent.ByteBuddyAgent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The advice woven into the SDK's features constructors runs on the host's thread before the server
 * exists, where Byte Buddy cannot suppress a failure: whatever goes wrong behind the bridge, the
 * host's server is built with its own capabilities and tools, and the failure is counted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SdkServerFeaturesWeaveTest {

  private final List<Throwable> adviceFailures = new CopyOnWriteArrayList<>();
  private volatile Supplier<Object[]> answer = () -> null;
  private BridgeDispatch dispatch;
  private Weaver.Installed transformer;

  @BeforeAll
  void weave() {
    dispatch =
        (BridgeDispatch)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {BridgeDispatch.class},
                (proxy, method, args) -> {
                  switch (method.getName()) {
                    case "sdkServerFeatures" -> {
                      return answer.get();
                    }
                    case "adviceFailed" -> adviceFailures.add((Throwable) args[0]);
                    default -> {
                      // no other join point is woven here
                    }
                  }
                  return method.getReturnType() == boolean.class ? Boolean.FALSE : null;
                });
    assertThat(AgentBridge.install(dispatch)).isTrue();
    transformer =
        new Weaver(new AgentHealth(false), getClass().getClassLoader(), false)
            .install(ByteBuddyAgent.install(), List.of(new SdkServerFeaturesWeave()));
  }

  @AfterAll
  void unweave() {
    transformer.reset();
    AgentBridge.uninstall(dispatch);
  }

  static List<Arguments> failures() {
    Supplier<Object[]> throwsException =
        () -> {
          throw new IllegalStateException("a contributor's bug");
        };
    Supplier<Object[]> throwsError =
        () -> {
          throw new NoClassDefFoundError("dev/comfyagent/instrument/host/SdkTypes");
        };
    return List.of(
        Arguments.of("the dispatch throws an exception", throwsException),
        Arguments.of("the dispatch throws an error", throwsError),
        Arguments.of("too few values", (Supplier<Object[]>) () -> new Object[] {null}),
        Arguments.of(
            "values of the wrong types", (Supplier<Object[]>) () -> new Object[] {"caps", "tools"}),
        Arguments.of(
            "a tool list that is not a List",
            (Supplier<Object[]>) () -> new Object[] {null, Map.of("tools", "x")}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failures")
  void theHostsServerKeepsItsOwnToolsWhenTheAgentSideFails(
      String failure, Supplier<Object[]> behind) throws IOException {
    answer = behind;
    int failuresBefore = adviceFailures.size();
    try (PipedOutputStream feed = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(feed)) {
      McpSyncServer server =
          McpServer.sync(
                  new StdioServerTransportProvider(
                      new JacksonMcpJsonMapper(new ObjectMapper()),
                      in,
                      new ByteArrayOutputStream()))
              .serverInfo("host", "1")
              .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
              .tools(echo())
              .build();
      try {
        assertThat(server.listTools()).extracting(McpSchema.Tool::name).containsExactly("echo");
        assertThat(server.getServerCapabilities().tools()).isNotNull();
      } finally {
        server.close();
      }
    } finally {
      answer = () -> null;
    }
    assertThat(adviceFailures).as("the failure is counted").hasSizeGreaterThan(failuresBefore);
  }

  private static SyncToolSpecification echo() {
    return SyncToolSpecification.builder()
        .tool(
            McpSchema.Tool.builder("echo", Map.of("type", "object")).description("echoes").build())
        .callHandler((exchange, request) -> McpSchema.CallToolResult.builder().build())
        .build();
  }
}
