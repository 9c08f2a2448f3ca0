package dev.comfyagent.it.harness;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * The MCP SDK's stdio client transport, over a child process the test started itself (so the test
 * keeps the process: its exit code, stderr, a kill) and recording every line the server wrote to
 * stdout, so that a test can check that stdout carried nothing but JSON-RPC.
 *
 * <p>Thread-safe.
 */
final class ProcessStdioTransport implements McpClientTransport {

  private final Process process;
  private final McpJsonMapper json;
  private final List<String> stdoutLines = new CopyOnWriteArrayList<>();
  private final List<String> unparsable = new CopyOnWriteArrayList<>();
  private final OutputStream stdin;

  ProcessStdioTransport(Process process, McpJsonMapper json) {
    this.process = process;
    this.json = json;
    this.stdin = process.getOutputStream();
  }

  @Override
  public Mono<Void> connect(
      Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                  stdoutLines.add(line);
                  McpSchema.JSONRPCMessage message;
                  try {
                    message = McpSchema.deserializeJsonRpcMessage(json, line);
                  } catch (IOException | RuntimeException e) {
                    unparsable.add(line);
                    continue;
                  }
                  handler.apply(Mono.just(message)).subscribe();
                }
              } catch (IOException e) {
                // the server went away; the client sees its requests time out
              }
            },
            "it-stdio-reader");
    reader.setDaemon(true);
    reader.start();
    return Mono.empty();
  }

  @Override
  public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
    return Mono.fromRunnable(
        () -> {
          try {
            byte[] line =
                (json.writeValueAsString(message) + "\n").getBytes(StandardCharsets.UTF_8);
            synchronized (stdin) {
              stdin.write(line);
              stdin.flush();
            }
          } catch (IOException e) {
            throw new IllegalStateException("cannot write to the server's stdin", e);
          }
        });
  }

  @Override
  public Mono<Void> closeGracefully() {
    return Mono.fromRunnable(
        () -> {
          try {
            stdin.close();
          } catch (IOException e) {
            // already closed
          }
        });
  }

  @Override
  public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
    return json.convertValue(data, typeRef);
  }

  /** Every line the server wrote to stdout, in order. */
  List<String> stdoutLines() {
    return List.copyOf(stdoutLines);
  }

  /** Stdout lines that were not JSON-RPC messages. */
  List<String> unparsableLines() {
    return List.copyOf(unparsable);
  }
}
