package dev.comfyagent.it.harness;

import dev.comfyagent.simulator.ComfyUiSimulator;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The packaged agent-runtime jar started as an MCP host starts it ({@code java [-javaagent:...]
 * -jar agent-runtime.jar serve}) against a ComfyUI simulator of the test JVM, with its sessions and
 * logs in a directory of the test, and the SDK client connected over stdio.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * try (RuntimeServer runtime = RuntimeServer.with(dir, comfy).agent("output.dir=" + logs).start()) {
 *   runtime.call("load_workflow", Map.of("workflow", RuntimeServer.workflow()));
 * }
 * }</pre>
 */
public final class RuntimeServer implements AutoCloseable {

  private final ChildJvm jvm;
  private final StdioMcpClient mcp;

  private RuntimeServer(ChildJvm jvm, StdioMcpClient mcp) {
    this.jvm = jvm;
    this.mcp = mcp;
  }

  /** Describes a runtime for {@code dir} that talks to {@code comfy}. */
  public static Builder with(Path dir, ComfyUiSimulator comfy) {
    return new Builder(dir, comfy);
  }

  /** The API-format txt2img workflow the tests load (the test resource's text). */
  public static String workflow() {
    try (var in = RuntimeServer.class.getResourceAsStream("/workflows/txt2img-api.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The child JVM. */
  public ChildJvm jvm() {
    return jvm;
  }

  /** The connected client. */
  public StdioMcpClient mcp() {
    return mcp;
  }

  /** Calls a tool. */
  public CallToolResult call(String tool, Map<String, Object> arguments) {
    return mcp.call(tool, arguments, Map.of());
  }

  /** The names in {@code tools/list}. */
  public List<String> toolNames() {
    return mcp.client().listTools().tools().stream().map(McpSchema.Tool::name).toList();
  }

  /** The first text content of a result. */
  public static String text(CallToolResult result) {
    return ((McpSchema.TextContent) result.content().get(0)).text();
  }

  /** Stops the runtime like an MCP host (stdin closed, then SIGTERM); returns its exit code. */
  public int stop() {
    return mcp.stopServer();
  }

  @Override
  public void close() {
    try {
      mcp.close();
    } finally {
      jvm.close();
    }
  }

  /** Describes a runtime to start. */
  public static final class Builder {
    private final Path dir;
    private final ComfyUiSimulator comfy;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> jvmArgs = new java.util.ArrayList<>();
    private String agentOptions;
    private boolean withAgent;

    private Builder(Path dir, ComfyUiSimulator comfy) {
      this.dir = dir;
      this.comfy = comfy;
    }

    /** Starts the runtime with the packaged agent and these options. */
    public Builder agent(String options) {
      this.withAgent = true;
      this.agentOptions = options;
      return this;
    }

    /** Sets an environment variable of the runtime (PATH, for fake nvidia-smi scripts). */
    public Builder env(String name, String value) {
      env.put(name, value);
      return this;
    }

    /** Adds an option of the runtime's JVM ({@code -Xlog:...}). */
    public Builder jvmArg(String arg) {
      jvmArgs.add(arg);
      return this;
    }

    /** Starts it and connects the client. */
    public RuntimeServer start() {
      try {
        Files.createDirectories(dir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      ChildJvm.Builder java =
          ChildJvm.java()
              .jar(PackagedJars.runtimeJar())
              .args("serve")
              .workDir(dir)
              .stdoutPipe()
              .env("COMFYUI_HOST", comfy.host())
              .env("COMFYUI_PORT", Integer.toString(comfy.port()))
              .env("SESSIONS_DIR", dir.resolve("sessions").toString())
              .env("LOG_DIR", dir.resolve("runtime-logs").toString());
      if (withAgent) {
        java.agent(agentOptions);
      }
      env.forEach(java::env);
      jvmArgs.forEach(java::jvmArg);
      ChildJvm jvm = java.start();
      try {
        return new RuntimeServer(jvm, StdioMcpClient.connect(jvm));
      } catch (RuntimeException | Error e) {
        jvm.close();
        throw e;
      }
    }
  }
}
