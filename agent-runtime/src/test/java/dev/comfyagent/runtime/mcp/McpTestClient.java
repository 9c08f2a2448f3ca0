package dev.comfyagent.runtime.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comfyagent.runtime.tool.ToolRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Drives an in-process {@link StdioMcpServer} over pipes with raw JSON-RPC lines, the way an MCP
 * client does over a process's stdin and stdout, keeping every line the server wrote.
 */
final class McpTestClient implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();

  private final OutputStream toServer;
  private final BufferedReader fromServer;
  private final Thread serverThread;
  private final List<String> lines = new ArrayList<>();
  private final AtomicReference<Throwable> serverFailure = new AtomicReference<>();

  McpTestClient(ToolRegistry registry, Runnable onDisconnect) throws IOException {
    this(registry, onDisconnect, () -> {});
  }

  /** A client of a server that runs {@code onServing} once it serves. */
  McpTestClient(ToolRegistry registry, Runnable onDisconnect, Runnable onServing)
      throws IOException {
    PipedInputStream serverIn = new PipedInputStream(1 << 20);
    toServer = new PipedOutputStream(serverIn);
    PipedInputStream clientIn = new PipedInputStream(1 << 20);
    PipedOutputStream serverOut = new PipedOutputStream(clientIn);
    fromServer = new BufferedReader(new InputStreamReader(clientIn, StandardCharsets.UTF_8));
    StdioMcpServer server = new StdioMcpServer(registry, "test-version", onDisconnect);
    serverThread =
        new Thread(
            () -> {
              try {
                server.serve(serverIn, serverOut, onServing);
              } catch (Throwable t) {
                serverFailure.set(t);
              }
            },
            "test-mcp-server");
    serverThread.start();
  }

  /** Sends one raw line ending with {@code ending} ({@code \n} or {@code \r\n}). */
  void sendRaw(String line, String ending) throws IOException {
    toServer.write((line + ending).getBytes(StandardCharsets.UTF_8));
    toServer.flush();
  }

  void send(String json) throws IOException {
    sendRaw(json, "\n");
  }

  /** Sends initialize and initialized, returns the initialize result. */
  JsonNode initialize(String ending) throws IOException {
    sendRaw(
        "{\"jsonrpc\":\"2.0\",\"id\":\"init\",\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
            + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}",
        ending);
    JsonNode result = response("init").path("result");
    sendRaw("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", ending);
    return result;
  }

  /** Calls a tool and returns the whole response. */
  JsonNode callTool(String id, String name, String arguments, String meta) throws IOException {
    send(
        "{\"jsonrpc\":\"2.0\",\"id\":\""
            + id
            + "\",\"method\":\"tools/call\",\"params\":{\"name\":\""
            + name
            + "\",\"arguments\":"
            + arguments
            + (meta == null ? "" : ",\"_meta\":" + meta)
            + "}}");
    return response(id);
  }

  /** Reads lines until the response with this id; every line read is kept. */
  JsonNode response(String id) throws IOException {
    while (true) {
      String line = fromServer.readLine();
      if (line == null) {
        throw new IOException("the server closed stdout before answering " + id);
      }
      lines.add(line);
      JsonNode message = JSON.readTree(line);
      if (message.path("id").asText("").equals(id) && !message.has("method")) {
        return message;
      }
    }
  }

  /** Reads the next line the server writes. */
  JsonNode nextLine() throws IOException {
    String line = fromServer.readLine();
    if (line == null) {
      throw new IOException("the server closed stdout");
    }
    lines.add(line);
    return JSON.readTree(line);
  }

  List<String> lines() {
    return lines;
  }

  boolean serverRunning() {
    return serverThread.isAlive();
  }

  Throwable serverFailure() {
    return serverFailure.get();
  }

  @Override
  public void close() throws IOException {
    toServer.close();
    try {
      serverThread.join(60_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
