package dev.comfyagent.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comfyagent.runtime.discover.DiscoverFixtures;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged runtime jar end to end, started as an MCP client starts it ({@code java -jar
 * agent-runtime.jar serve}) and driven over stdio: by the MCP SDK's own client, and by raw JSON-RPC
 * lines to check what exactly goes over stdout. No ComfyUI is running: the tools that need it must
 * fail cleanly, naming host:port; the others must work.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class StdioServerIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private Path jar;
  private int deadPort;
  private Map<String, String> env;

  @BeforeEach
  void setUp() throws IOException {
    jar = Path.of(System.getProperty("runtime.jar", "target/agent-runtime.jar")).toAbsolutePath();
    assertThat(jar).as("the packaged runtime jar").exists();
    try (ServerSocket socket = new ServerSocket(0)) {
      deadPort = socket.getLocalPort();
    }
    Path comfyUi = DiscoverFixtures.comfyUiInstall(dir.resolve("ComfyUI"));
    env = new HashMap<>();
    env.put("COMFYUI_HOST", "127.0.0.1");
    env.put("COMFYUI_PORT", String.valueOf(deadPort));
    env.put("COMFYUI_PATH", comfyUi.toString());
    env.put("SESSIONS_DIR", dir.resolve("sessions").toString());
    env.put("LOG_DIR", dir.resolve("logs").toString());
    env.put("COMFYUI_CONNECT_TIMEOUT", "2s");
  }

  @Test
  void servesTheSdkClientOverStdio() throws Exception {
    ServerParameters parameters =
        ServerParameters.builder(javaExecutable())
            .args("-jar", jar.toString(), "serve")
            .env(env)
            .build();
    StdioClientTransport transport =
        new StdioClientTransport(parameters, new JacksonMcpJsonMapper(new ObjectMapper()));
    try (McpSyncClient client =
        McpClient.sync(transport)
            .requestTimeout(Duration.ofSeconds(60))
            .initializationTimeout(Duration.ofSeconds(60))
            .build()) {
      McpSchema.InitializeResult init = client.initialize();
      assertThat(init.serverInfo().name()).isEqualTo("comfy-agent");
      assertThat(init.serverInfo().version()).isNotBlank().doesNotContain("unknown");
      assertThat(init.capabilities().tools()).isNotNull();
      assertThat(init.instructions()).contains("search_nodes");

      List<McpSchema.Tool> tools = client.listTools().tools();
      assertThat(tools)
          .extracting(McpSchema.Tool::name)
          .contains(
              "search_nodes",
              "get_node_info",
              "list_models",
              "find_missing_nodes",
              "save_session",
              "load_session",
              "list_sessions",
              "add_note");
      assertThat(tools)
          .allSatisfy(t -> assertThat(t.inputSchema()).containsEntry("type", "object"));

      CallToolResult search =
          searchOnceManagersPartIsReady(
              client,
              new CallToolRequest(
                  "search_nodes",
                  Map.of("query", "face detailer", "limit", 3),
                  Map.of("correlation_id", "it-search-1")));
      assertThat(search.isError()).isFalse();
      assertThat(text(search))
          .contains("FaceDetailer")
          .contains("ComfyUI Impact Pack")
          .contains("127.0.0.1:" + deadPort);
      assertThat(search.meta()).containsEntry("correlation_id", "it-search-1");

      CallToolResult models = client.callTool(request("list_models", Map.of()));
      assertThat(models.isError()).isTrue();
      assertThat(text(models)).contains("ComfyUI at 127.0.0.1:" + deadPort);

      assertThat(client.callTool(request("add_note", Map.of("text", "grade warmer"))).isError())
          .isFalse();
      CallToolResult saved = client.callTool(request("save_session", Map.of("name", "shot_010")));
      assertThat(text(saved)).startsWith("Saved session 'shot_010'");
      assertThat(dir.resolve("sessions/shot_010.json")).exists();
      assertThat(text(client.callTool(request("list_sessions", Map.of()))))
          .contains("- shot_010: saved");

      CallToolResult badName =
          client.callTool(request("save_session", Map.of("name", "../escape")));
      assertThat(badName.isError()).isTrue();
      assertThat(text(badName)).contains("invalid session name '../escape'");

      CallToolResult badArgs = client.callTool(request("search_nodes", Map.of("query", 42)));
      assertThat(badArgs.isError()).isTrue();
      assertThat(text(badArgs)).startsWith("invalid arguments for search_nodes");
    }

    List<String> logLines = Files.readAllLines(dir.resolve("logs/runtime.log"));
    assertThat(logLines).isNotEmpty();
    assertThat(logLines).allSatisfy(line -> JSON.readTree(line));
    assertThat(logLines)
        .anySatisfy(
            line ->
                assertThat(JSON.readTree(line).path("mdc").path("correlation_id").asText())
                    .isEqualTo("it-search-1"));
  }

  /**
   * The search's answer once ComfyUI-Manager's part of the index is ready: right after start a
   * search answers from the installed node types and says so ({@code manager_map_ready: false}),
   * and a client that wants the rest asks again.
   */
  private static CallToolResult searchOnceManagersPartIsReady(
      McpSyncClient client, CallToolRequest request) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      CallToolResult result = client.callTool(request);
      Object structured = result.structuredContent();
      boolean pending =
          structured instanceof Map<?, ?> content
              && Boolean.FALSE.equals(content.get("manager_map_ready"));
      if (!pending || System.nanoTime() > deadline) {
        return result;
      }
      assertThat(text(result)).contains("ComfyUI-Manager's node map is still being read");
      Thread.sleep(50);
    }
  }

  @Test
  void writesOnlyJsonRpcToStdoutAndAcceptsCrlfAndMalformedLines() throws Exception {
    List<String> command = List.of(javaExecutable(), "-jar", jar.toString(), "serve");
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    builder.redirectError(dir.resolve("stderr.txt").toFile());
    Process server = builder.start();
    List<String> stdout = new ArrayList<>();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    try (OutputStream in = server.getOutputStream()) {
      send(
          in,
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
              + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}\r\n");
      stdout.add(out.readLine());
      send(in, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\r\n");
      send(in, "this line is not JSON\r\n");
      stdout.add(out.readLine());
      send(in, "\r\n");
      send(
          in,
          "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":"
              + "\"list_sessions\",\"arguments\":{},\"_meta\":{\"traceparent\":"
              + "\"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\"}}}\r\n");
      stdout.add(out.readLine());
      send(
          in,
          "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":"
              + "\"get_node_info\",\"arguments\":{\"class_type\":\"KSampler\"}}}\n");
      stdout.add(out.readLine());
    }
    assertThat(server.waitFor(60, TimeUnit.SECONDS))
        .as("the server exits when stdin closes")
        .isTrue();
    assertThat(server.exitValue()).isZero();
    assertThat(out.readLine()).as("nothing more on stdout").isNull();
    out.close();

    List<JsonNode> messages = new ArrayList<>();
    for (String line : stdout) {
      JsonNode message = JSON.readTree(line);
      assertThat(message.path("jsonrpc").asText()).isEqualTo("2.0");
      messages.add(message);
    }
    assertThat(messages.get(0).path("result").path("serverInfo").path("name").asText())
        .isEqualTo("comfy-agent");
    assertThat(messages.get(1).path("error").path("code").asInt()).isEqualTo(-32700);
    JsonNode sessions = messages.get(2).path("result");
    assertThat(sessions.path("isError").asBoolean()).isFalse();
    assertThat(sessions.path("_meta").path("correlation_id").asText())
        .isEqualTo("0af7651916cd43dd8448eb211c80319c");
    JsonNode nodeInfo = messages.get(3).path("result");
    assertThat(nodeInfo.path("isError").asBoolean()).isTrue();
    assertThat(nodeInfo.path("content").get(0).path("text").asText())
        .contains("127.0.0.1:" + deadPort);

    String stderr = Files.readString(dir.resolve("stderr.txt"));
    assertThat(stderr)
        .contains("[0af7651916cd43dd8448eb211c80319c]")
        .contains("rejected a line on stdin");
  }

  private static CallToolRequest request(String tool, Map<String, Object> arguments) {
    return CallToolRequest.builder(tool).arguments(arguments).build();
  }

  private static void send(OutputStream in, String text) throws IOException {
    in.write(text.getBytes(StandardCharsets.UTF_8));
    in.flush();
  }

  private static String text(CallToolResult result) {
    return ((TextContent) result.content().get(0)).text();
  }

  private static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
