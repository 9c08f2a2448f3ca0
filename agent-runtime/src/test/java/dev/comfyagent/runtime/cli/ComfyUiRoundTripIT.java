package dev.comfyagent.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.simulator.ComfyUiSimulator;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged runtime jar against the ComfyUI simulator, over stdio with the SDK client: every
 * tool is listed with a schema, a workflow is loaded, patched and rendered with progress
 * notifications, and ComfyUI going down is reported with host:port and the breaker's state.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ComfyUiRoundTripIT {

  private static final List<String> ALL_TOOLS =
      List.of(
          "load_workflow",
          "get_workflow_summary",
          "validate_workflow",
          "search_nodes",
          "get_node_info",
          "list_models",
          "find_missing_nodes",
          "apply_workflow_patch",
          "preview_workflow_patch",
          "set_input",
          "undo_workflow_patch",
          "get_workflow_diff",
          "reset_workflow",
          "save_workflow",
          "execute_workflow",
          "get_execution_status",
          "interrupt_execution",
          "get_queue_status",
          "get_system_stats",
          "is_comfyui_running",
          "save_session",
          "load_session",
          "list_sessions",
          "add_note");

  @TempDir Path dir;

  private static final ObjectMapper JSON = new ObjectMapper();

  private ComfyUiSimulator comfy;
  private Path jar;
  private Map<String, String> env;
  private McpSyncClient client;
  private final List<ProgressNotification> progress = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    comfy = ComfyUiSimulator.builder().port(0).stepDelay(Duration.ofMillis(5)).start();
    jar = Path.of(System.getProperty("runtime.jar", "target/agent-runtime.jar")).toAbsolutePath();
    env = new HashMap<>();
    env.put("COMFYUI_HOST", "127.0.0.1");
    env.put("COMFYUI_PORT", String.valueOf(comfy.port()));
    env.put("SESSIONS_DIR", dir.resolve("sessions").toString());
    env.put("LOG_DIR", dir.resolve("logs").toString());
    env.put("WORKFLOWS_DIR", dir.toString());
    ServerParameters server =
        ServerParameters.builder(Path.of(System.getProperty("java.home"), "bin", "java").toString())
            .args("-jar", jar.toString(), "serve")
            .env(env)
            .build();
    client =
        McpClient.sync(
                new StdioClientTransport(server, new JacksonMcpJsonMapper(new ObjectMapper())))
            .requestTimeout(Duration.ofSeconds(60))
            .initializationTimeout(Duration.ofSeconds(60))
            .progressConsumer(progress::add)
            .build();
    client.initialize();
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.closeGracefully();
    }
    if (comfy != null) {
      comfy.close();
    }
  }

  @Test
  void listsEveryToolWithAnObjectSchema() {
    List<McpSchema.Tool> tools = client.listTools().tools();

    assertThat(tools)
        .extracting(McpSchema.Tool::name)
        .containsExactlyInAnyOrderElementsOf(ALL_TOOLS);
    assertThat(tools)
        .allSatisfy(
            t -> {
              assertThat(t.description()).isNotBlank();
              assertThat(t.inputSchema()).containsEntry("type", "object");
            });
  }

  @Test
  void loadsPatchesAndRendersAWorkflowWithProgress() throws IOException {
    CallToolResult loaded =
        call(
            "load_workflow", Map.of("workflow", resource("/workflows/sdxl-base-refiner-api.json")));
    assertThat(loaded.isError()).as(text(loaded)).isFalse();
    assertThat(text(loaded)).contains("11 nodes");

    assertThat(text(call("validate_workflow", Map.of()))).startsWith("No problems found");

    CallToolResult patched =
        call(
            "apply_workflow_patch",
            Map.of(
                "patch",
                List.of(
                    Map.of("op", "replace", "path", "/10/inputs/steps", "value", 12),
                    Map.of("op", "replace", "path", "/10/inputs/end_at_step", "value", 12))));
    assertThat(patched.isError()).as(text(patched)).isFalse();

    CallToolResult refused =
        call(
            "apply_workflow_patch",
            Map.of(
                "patch",
                List.of(
                    Map.of("op", "replace", "path", "/10/inputs/cfg", "value", 5),
                    Map.of("op", "replace", "path", "/99/inputs/seed", "value", 1))));
    assertThat(refused.isError()).isTrue();
    assertThat(text(refused)).contains("patch op 1 (replace /99/inputs/seed)");
    assertThat(text(call("get_workflow_diff", Map.of())))
        .contains("/10/inputs/steps")
        .doesNotContain("/10/inputs/cfg");

    CallToolResult rendered =
        client.callTool(
            CallToolRequest.builder()
                .name("execute_workflow")
                .arguments(Map.of("wait_seconds", 60))
                .progressToken("render-1")
                .build());

    assertThat(rendered.isError()).as(text(rendered)).isFalse();
    assertThat(text(rendered)).matches("(?s)Rendered in \\d+\\.\\ds.*\\.png.*");
    // The SDK client may hand notifications to the consumer out of order (it dispatches them
    // concurrently); their order on the wire is checked in progressIncreasesOnTheWire.
    assertThat(progress).allSatisfy(p -> assertThat(p.progressToken()).isEqualTo("render-1"));
    assertThat(progress)
        .extracting(ProgressNotification::message)
        .contains(
            "submitting to ComfyUI",
            "running KSamplerAdvanced (node 10)",
            "KSamplerAdvanced 12/12");
  }

  @Test
  void progressIncreasesOnTheWire() throws Exception {
    client.closeGracefully();
    client = null;
    Process server = rawServer();
    List<Double> values = new ArrayList<>();
    try (BufferedWriter in =
            new BufferedWriter(
                new OutputStreamWriter(server.getOutputStream(), StandardCharsets.UTF_8));
        BufferedReader out =
            new BufferedReader(
                new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
      send(
          in,
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
              + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}");
      out.readLine();
      send(in, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
      ObjectNode load = JSON.createObjectNode().put("jsonrpc", "2.0").put("id", 2);
      load.put("method", "tools/call");
      load.putObject("params")
          .put("name", "load_workflow")
          .putObject("arguments")
          .put("workflow", resource("/workflows/sdxl-base-refiner-api.json"));
      send(in, JSON.writeValueAsString(load));
      out.readLine();
      send(
          in,
          "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":"
              + "\"execute_workflow\",\"arguments\":{\"wait_seconds\":60},"
              + "\"_meta\":{\"progressToken\":\"wire\"}}}");
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        JsonNode message = JSON.readTree(line);
        if (message.path("id").asInt() == 3) {
          assertThat(message.path("result").path("content").get(0).path("text").asText())
              .startsWith("Rendered in");
          break;
        }
        assertThat(message.path("method").asText()).isEqualTo("notifications/progress");
        assertThat(message.path("params").path("progressToken").asText()).isEqualTo("wire");
        values.add(message.path("params").path("progress").asDouble());
      }
    } finally {
      server.destroy();
      server.waitFor(30, TimeUnit.SECONDS);
    }
    assertThat(values).hasSizeGreaterThan(5).isSorted().doesNotHaveDuplicates();
  }

  private Process rawServer() throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar",
            jar.toString(),
            "serve");
    builder.environment().putAll(env);
    builder.redirectError(dir.resolve("raw-stderr.txt").toFile());
    return builder.start();
  }

  private static void send(BufferedWriter in, String line) throws IOException {
    in.write(line);
    in.write("\n");
    in.flush();
  }

  @Test
  void namesHostPortAndBreakerStateWhenComfyUiGoesDown() {
    assertThat(call("is_comfyui_running", Map.of()).isError()).isFalse();
    comfy.goDown();

    CallToolResult models = call("list_models", Map.of());

    assertThat(models.isError()).isTrue();
    assertThat(text(models))
        .contains("127.0.0.1:" + comfy.port())
        .containsIgnoringCase("circuit breaker");
    assertThat(text(call("is_comfyui_running", Map.of()))).contains("127.0.0.1:" + comfy.port());
  }

  private CallToolResult call(String tool, Map<String, Object> arguments) {
    return client.callTool(CallToolRequest.builder(tool).arguments(arguments).build());
  }

  private static String text(CallToolResult result) {
    return ((TextContent) result.content().get(0)).text();
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = ComfyUiRoundTripIT.class.getResourceAsStream(name)) {
      assertThat(in).as(name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
