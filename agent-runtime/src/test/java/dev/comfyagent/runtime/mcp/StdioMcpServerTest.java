package dev.comfyagent.runtime.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.tool.InputSchema;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolArguments;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolException;
import dev.comfyagent.runtime.tool.ToolRegistry;
import dev.comfyagent.runtime.tool.ToolResult;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

@Timeout(60)
class StdioMcpServerTest {

  private final AtomicReference<String> mdcSeen = new AtomicReference<>();
  private final AtomicReference<String> contextIdSeen = new AtomicReference<>();
  private final AtomicReference<String> threadSeen = new AtomicReference<>();
  private final AtomicInteger disconnects = new AtomicInteger();
  private McpTestClient client;

  @BeforeEach
  void start() throws Exception {
    ToolRegistry registry = new ToolRegistry();
    registry.register(new ProbeTool());
    registry.register(new RefusingTool());
    registry.register(new BrokenTool());
    registry.register(new ProgressTool());
    client = new McpTestClient(registry, disconnects::incrementAndGet);
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
  }

  @Test
  void runsTheWorkGivenForWhenItServesOnceItServes() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch ran = new CountDownLatch(1);
    try (McpTestClient serving =
        new McpTestClient(
            registryWithProbe(),
            () -> {},
            () -> {
              runs.incrementAndGet();
              ran.countDown();
            })) {
      assertThat(serving.initialize("\n").path("serverInfo").path("name").asText())
          .isEqualTo("comfy-agent");

      assertThat(ran.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(runs).hasValue(1);
    }
  }

  @Test
  void keepsServingWhenTheWorkGivenForWhenItServesFails() throws Exception {
    try (McpTestClient serving =
        new McpTestClient(
            registryWithProbe(),
            () -> {},
            () -> {
              throw new IllegalStateException("warm-up defect");
            })) {
      serving.initialize("\n");

      JsonNode answer = serving.callTool("after", "probe", "{\"text\": \"still here\"}", null);

      assertThat(answer.path("result").path("isError").asBoolean(true)).isFalse();
      assertThat(serving.serverRunning()).isTrue();
    }
  }

  private ToolRegistry registryWithProbe() {
    ToolRegistry registry = new ToolRegistry();
    registry.register(new ProbeTool());
    return registry;
  }

  @Test
  void announcesItselfWithToolsAndInstructions() throws Exception {
    JsonNode init = client.initialize("\n");

    assertThat(init.path("serverInfo").path("name").asText()).isEqualTo("comfy-agent");
    assertThat(init.path("serverInfo").path("version").asText()).isEqualTo("test-version");
    assertThat(init.path("capabilities").path("tools").path("listChanged").asBoolean()).isTrue();
    assertThat(init.path("instructions").asText())
        .contains("load_workflow")
        .contains("search_nodes");
  }

  @Test
  void listsEveryToolWithItsSchemaAndReadOnlyHint() throws Exception {
    client.initialize("\n");
    client.send("{\"jsonrpc\":\"2.0\",\"id\":\"list\",\"method\":\"tools/list\"}");

    JsonNode tools = client.response("list").path("result").path("tools");

    assertThat(tools).hasSize(4);
    JsonNode probe = tools.get(0);
    assertThat(probe.path("name").asText()).isEqualTo("probe");
    assertThat(probe.path("inputSchema").path("type").asText()).isEqualTo("object");
    assertThat(probe.path("inputSchema").path("properties").has("text")).isTrue();
    assertThat(probe.path("annotations").path("readOnlyHint").asBoolean()).isTrue();
  }

  @Test
  void runsTheToolUnderTheCorrelationIdOfTheTraceparentOnAReactorThread() throws Exception {
    client.initialize("\n");

    JsonNode response =
        client.callTool(
            "c1",
            "probe",
            "{\"text\": \"hi\"}",
            "{\"traceparent\": \"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\"}");

    JsonNode result = response.path("result");
    assertThat(result.path("isError").asBoolean()).isFalse();
    assertThat(result.path("content").get(0).path("text").asText()).isEqualTo("echo hi");
    assertThat(result.path("_meta").path("correlation_id").asText())
        .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(mdcSeen.get()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(contextIdSeen.get()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(threadSeen.get()).startsWith("boundedElastic");
  }

  @Test
  void generatesACorrelationIdWhenTheClientSendsNone() throws Exception {
    client.initialize("\n");

    JsonNode result = client.callTool("c1", "probe", "{\"text\": \"x\"}", null).path("result");

    String id = result.path("_meta").path("correlation_id").asText();
    assertThat(id).matches("[0-9a-f]{32}");
    assertThat(mdcSeen.get()).isEqualTo(id);
  }

  @Test
  void sendsProgressNotificationsWhenTheRequestCarriesAProgressToken() throws Exception {
    client.initialize("\n");

    JsonNode response = client.callTool("c1", "progress", "{}", "{\"progressToken\": \"tok-7\"}");

    assertThat(response.path("result").path("content").get(0).path("text").asText())
        .isEqualTo("done, progress requested: true");
    java.util.List<JsonNode> notifications =
        client.lines().stream()
            .map(
                line -> {
                  try {
                    return McpTestClient.JSON.readTree(line);
                  } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                  }
                })
            .filter(m -> "notifications/progress".equals(m.path("method").asText()))
            .toList();
    assertThat(notifications).hasSize(2);
    assertThat(notifications.get(0).path("params").path("progressToken").asText())
        .isEqualTo("tok-7");
    assertThat(notifications.get(1).path("params").path("progress").asDouble()).isEqualTo(2.0);
    assertThat(notifications.get(1).path("params").path("total").asDouble()).isEqualTo(2.0);
    assertThat(notifications.get(1).path("params").path("message").asText())
        .isEqualTo("step 2 of 2");
  }

  @Test
  void sendsNoProgressWithoutAToken() throws Exception {
    client.initialize("\n");

    JsonNode response = client.callTool("c1", "progress", "{}", null);

    assertThat(response.path("result").path("content").get(0).path("text").asText())
        .isEqualTo("done, progress requested: false");
    assertThat(client.lines()).noneMatch(line -> line.contains("notifications/progress"));
  }

  @Test
  void turnsAToolExceptionIntoAnErrorResult() throws Exception {
    client.initialize("\n");

    JsonNode result =
        client.callTool("c1", "refuse", "{}", "{\"correlation_id\": \"abc\"}").path("result");

    assertThat(result.path("isError").asBoolean()).isTrue();
    assertThat(result.path("content").get(0).path("text").asText())
        .isEqualTo("node 12 does not exist; the workflow has nodes 3, 4, 5");
    assertThat(result.path("_meta").path("correlation_id").asText()).isEqualTo("abc");
  }

  @Test
  void survivesADefectAndNamesTheCorrelationId() throws Exception {
    client.initialize("\n");

    JsonNode result =
        client.callTool("c1", "broken", "{}", "{\"correlation_id\": \"bug-1\"}").path("result");
    JsonNode after = client.callTool("c2", "probe", "{\"text\": \"still here\"}", null);

    assertThat(result.path("isError").asBoolean()).isTrue();
    assertThat(result.path("content").get(0).path("text").asText())
        .startsWith("internal error in broken (NullPointerException: boom)")
        .contains("correlation id bug-1");
    assertThat(after.path("result").path("content").get(0).path("text").asText())
        .isEqualTo("echo still here");
  }

  @Test
  void answersArgumentsThatBreakTheSchemaWithAnErrorResult() throws Exception {
    client.initialize("\n");

    JsonNode result = client.callTool("c1", "probe", "{\"text\": 5}", null).path("result");

    assertThat(result.path("isError").asBoolean()).isTrue();
    assertThat(result.path("content").get(0).path("text").asText())
        .isEqualTo(
            "invalid arguments for probe: argument 'text' must be a string, got the number 5");
    assertThat(result.path("_meta").path("correlation_id").asText()).matches("[0-9a-f]{32}");
  }

  @Test
  void acceptsCrlfTerminatedLines() throws Exception {
    JsonNode init = client.initialize("\r\n");
    client.sendRaw(
        "{\"jsonrpc\":\"2.0\",\"id\":\"c1\",\"method\":\"tools/call\",\"params\":{\"name\":\"probe\","
            + "\"arguments\":{\"text\":\"crlf\"}}}",
        "\r\n");

    assertThat(init.path("serverInfo").path("name").asText()).isEqualTo("comfy-agent");
    assertThat(client.response("c1").path("result").path("content").get(0).path("text").asText())
        .isEqualTo("echo crlf");
  }

  @Test
  void keepsServingAfterMalformedLines() throws Exception {
    client.initialize("\n");
    client.sendRaw("{this is not json", "\n");
    JsonNode parseError = client.nextLine();
    client.sendRaw("", "\n");

    JsonNode after = client.callTool("c1", "probe", "{\"text\": \"ok\"}", null);

    assertThat(parseError.path("error").path("code").asInt()).isEqualTo(-32700);
    assertThat(after.path("result").path("content").get(0).path("text").asText())
        .isEqualTo("echo ok");
    assertThat(client.serverRunning()).isTrue();
  }

  @Test
  void writesOnlyJsonRpcLinesAndStopsWhenStdinCloses() throws Exception {
    client.initialize("\n");
    client.callTool("c1", "probe", "{\"text\": \"x\"}", null);
    client.close();

    assertThat(client.lines())
        .allSatisfy(
            line ->
                assertThat(McpTestClient.JSON.readTree(line).path("jsonrpc").asText())
                    .isEqualTo("2.0"));
    assertThat(client.serverRunning()).isFalse();
    assertThat(client.serverFailure()).isNull();
    assertThat(disconnects).hasValue(1);
  }

  /** Echoes its text and records the MDC, the context's id and the thread it ran on. */
  private final class ProbeTool implements Tool {
    @Override
    public String name() {
      return "probe";
    }

    @Override
    public String description() {
      return "Echoes text.";
    }

    @Override
    public ObjectNode inputSchema() {
      return InputSchema.object()
          .requiredString("text", "What to echo")
          .optionalBoolean("peek", "unused")
          .build();
    }

    @Override
    public boolean readOnly() {
      return true;
    }

    @Override
    public ToolResult call(ObjectNode arguments, ToolContext context) {
      mdcSeen.set(MDC.get(CorrelationIds.KEY));
      contextIdSeen.set(context.correlationId());
      threadSeen.set(Thread.currentThread().getName());
      LoggerFactory.getLogger(ProbeTool.class).info("probe ran");
      return ToolResult.text("echo " + ToolArguments.of(arguments).requiredString("text"));
    }
  }

  /** Reports two steps of progress. */
  private static final class ProgressTool implements Tool {
    @Override
    public String name() {
      return "progress";
    }

    @Override
    public String description() {
      return "Reports progress.";
    }

    @Override
    public ObjectNode inputSchema() {
      return InputSchema.object().build();
    }

    @Override
    public ToolResult call(ObjectNode arguments, ToolContext context) {
      context.progress(1, 2.0, "step 1 of 2");
      context.progress(2, 2.0, "step 2 of 2");
      return ToolResult.text("done, progress requested: " + context.progressRequested());
    }
  }

  private static final class RefusingTool implements Tool {
    @Override
    public String name() {
      return "refuse";
    }

    @Override
    public String description() {
      return "Always refuses.";
    }

    @Override
    public ObjectNode inputSchema() {
      return InputSchema.object().build();
    }

    @Override
    public ToolResult call(ObjectNode arguments, ToolContext context) {
      throw new ToolException("node 12 does not exist; the workflow has nodes 3, 4, 5");
    }
  }

  private static final class BrokenTool implements Tool {
    @Override
    public String name() {
      return "broken";
    }

    @Override
    public String description() {
      return "Has a bug.";
    }

    @Override
    public ObjectNode inputSchema() {
      return InputSchema.object().build();
    }

    @Override
    public ToolResult call(ObjectNode arguments, ToolContext context) {
      throw new NullPointerException("boom");
    }
  }
}
