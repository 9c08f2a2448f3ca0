package dev.comfyagent.demo;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The scripted conversation: what an assistant helping an artist would do with the runtime, one MCP
 * request at a time, each printed with its answer.
 */
final class DemoSession {

  private final Narrator narrator;
  private final List<String> command;
  private final Map<String, String> env;
  private final Path serverStderr;
  private final boolean agentAttached;

  DemoSession(
      Narrator narrator,
      List<String> command,
      Map<String, String> env,
      Path serverStderr,
      boolean agentAttached) {
    this.narrator = narrator;
    this.command = command;
    this.env = env;
    this.serverStderr = serverStderr;
    this.agentAttached = agentAttached;
  }

  void run(String workflowFile) throws IOException {
    ServerParameters server =
        ServerParameters.builder(command.get(0))
            .args(command.subList(1, command.size()))
            .env(env)
            .build();
    StdioClientTransport transport = new StdioClientTransport(server, McpJsonDefaults.getMapper());
    try (Writer stderr = Files.newBufferedWriter(serverStderr, StandardCharsets.UTF_8)) {
      transport.setStdErrorHandler(line -> append(stderr, line));
      McpSyncClient client =
          McpClient.sync(transport)
              .requestTimeout(Duration.ofSeconds(90))
              .initializationTimeout(Duration.ofSeconds(30))
              .clientInfo(new McpSchema.Implementation("comfy-agent-demo", "1"))
              .progressConsumer(p -> narrator.progress(p.progress(), p.total(), p.message()))
              .build();
      try {
        converse(client, workflowFile);
      } finally {
        // Closing ends the runtime process; the agent then writes its final metrics line.
        client.closeGracefully();
      }
    }
  }

  private void converse(McpSyncClient client, String workflowFile) {
    narrator.step("initialize (the MCP handshake)");
    McpSchema.InitializeResult init = client.initialize();
    narrator.fact(
        "server "
            + init.serverInfo().name()
            + " "
            + init.serverInfo().version()
            + ", protocol "
            + init.protocolVersion());

    narrator.step("tools/list");
    List<McpSchema.Tool> tools = client.listTools().tools();
    narrator.fact(
        tools.size()
            + " tools: "
            + tools.stream().map(McpSchema.Tool::name).collect(Collectors.joining(", ")));
    boolean statsTool = tools.stream().anyMatch(t -> "get_agent_stats".equals(t.name()));
    if (agentAttached && !statsTool) {
      narrator.unexpected("get_agent_stats is not listed although the agent is attached");
    }

    call(client, "is ComfyUI up?", "is_comfyui_running", Map.of(), false);
    call(
        client,
        "load the artist's SDXL base+refiner workflow",
        "load_workflow",
        Map.of("path", workflowFile),
        false);
    call(client, "what is in it?", "get_workflow_summary", Map.of(), false);
    call(
        client,
        "does it validate against ComfyUI's node catalog?",
        "validate_workflow",
        Map.of(),
        false);
    call(
        client,
        "find an upscaler node",
        "search_nodes",
        Map.of("query", "upscale", "limit", 5),
        false);
    call(
        client,
        "patch: more steps, and dawn instead of dusk",
        "apply_workflow_patch",
        Map.of(
            "patch",
            List.of(
                Map.of("op", "replace", "path", "/10/inputs/steps", "value", 30),
                Map.of("op", "replace", "path", "/11/inputs/steps", "value", 30),
                Map.of(
                    "op",
                    "replace",
                    "path",
                    "/6/inputs/text",
                    "value",
                    "cinematic film still of a lighthouse on a basalt cliff at dawn, volumetric"
                        + " fog, 35mm"))),
        false);
    call(
        client,
        "a bad patch (node 99 does not exist): refused, nothing changes",
        "apply_workflow_patch",
        Map.of(
            "patch",
            List.of(
                Map.of("op", "replace", "path", "/10/inputs/cfg", "value", 6.0),
                Map.of("op", "replace", "path", "/99/inputs/seed", "value", 1))),
        true);
    call(
        client,
        "set_input with a value below the node's minimum: refused",
        "set_input",
        Map.of("node_id", "10", "input", "steps", "value", 0),
        true);
    call(client, "what changed since loading? (RFC 6902)", "get_workflow_diff", Map.of(), false);
    call(
        client,
        "render it on the simulator, with live progress",
        "execute_workflow",
        Map.of("wait_seconds", 60),
        false);
    call(client, "save the session", "save_session", Map.of("name", "demo"), false);
    call(client, "list saved sessions", "list_sessions", Map.of(), false);
    if (statsTool) {
      call(client, "ask the agent what it saw", "get_agent_stats", Map.of(), false);
    }
  }

  private void call(
      McpSyncClient client,
      String title,
      String tool,
      Map<String, Object> arguments,
      boolean errorExpected) {
    narrator.step(title + "  [" + tool + "]");
    CallToolResult result;
    try {
      result =
          client.callTool(
              CallToolRequest.builder()
                  .name(tool)
                  .arguments(arguments)
                  .progressToken(tool + "-" + System.nanoTime())
                  .build());
    } catch (RuntimeException e) {
      narrator.unexpected(tool + " failed at the protocol level: " + e.getMessage());
      return;
    }
    boolean isError = Boolean.TRUE.equals(result.isError());
    String text =
        result.content().stream()
            .filter(TextContent.class::isInstance)
            .map(c -> ((TextContent) c).text())
            .collect(Collectors.joining("\n"));
    // The agent's own report is what the demo ends on: show it whole.
    narrator.result(text, isError, "get_agent_stats".equals(tool) ? 60 : 12);
    if (isError != errorExpected) {
      narrator.unexpected(
          errorExpected ? tool + " should have been refused" : tool + " returned an error");
    }
  }

  private static void append(Writer stderr, String line) {
    try {
      stderr.write(line);
      stderr.write(System.lineSeparator());
      stderr.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
