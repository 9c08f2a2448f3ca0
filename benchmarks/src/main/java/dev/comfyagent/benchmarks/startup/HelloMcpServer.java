package dev.comfyagent.benchmarks.startup;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comfyagent.benchmarks.overhead.ConstantResultTool;
import dev.comfyagent.runtime.mcp.McpToolAdapter;
import dev.comfyagent.runtime.tool.ToolRegistry;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CountDownLatch;

/**
 * The smallest MCP server the runtime's pieces make: the MCP Java SDK's stdio server with one tool
 * ({@link ConstantResultTool}) registered through the runtime's {@link McpToolAdapter}. A startup
 * subject with none of the runtime's services, so {@link StartupBenchmark} can tell the cost of the
 * JVM, the SDK and an agent apart from the runtime's own start.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.comfyagent.benchmarks.startup.HelloMcpServer}; it serves on stdin/stdout and exits when stdin
 * closes. Logs go to stderr only (stdout is the protocol).
 */
public final class HelloMcpServer {

  private HelloMcpServer() {}

  public static void main(String[] args) throws InterruptedException {
    if (System.getProperty("logback.configurationFile") == null) {
      // Logback's default writes to stdout, which belongs to the protocol here.
      System.setProperty(
          "logback.configurationFile", "dev/comfyagent/benchmarks/startup/logback-stderr.xml");
    }
    CountDownLatch stdinClosed = new CountDownLatch(1);
    ObjectMapper json = new ObjectMapper();
    StdioServerTransportProvider transport =
        new StdioServerTransportProvider(
            new JacksonMcpJsonMapper(json), new EndAware(System.in, stdinClosed), System.out);
    McpSyncServer server =
        McpServer.sync(transport)
            .serverInfo("hello-mcp-server", "1.0.0")
            .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
            .tools(
                new McpToolAdapter(json)
                    .specifications(new ToolRegistry().register(new ConstantResultTool())))
            .build();
    stdinClosed.await();
    server.closeGracefully();
    System.exit(0);
  }

  /** Counts down when the client closes stdin, so the server exits as a stdio server should. */
  private static final class EndAware extends FilterInputStream {
    private final CountDownLatch closed;

    EndAware(InputStream in, CountDownLatch closed) {
      super(in);
      this.closed = closed;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b < 0) {
        closed.countDown();
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n < 0) {
        closed.countDown();
      }
      return n;
    }
  }
}
