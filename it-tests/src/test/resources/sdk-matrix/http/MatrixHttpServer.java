import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.transport.HttpServletSseServerTransportProvider;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.startup.Tomcat;

/**
 * The compatibility matrix's HTTP server (MCP Java SDK 1.0 on): the tools of {@code MatrixServer}
 * (compiled beside it) behind one of the SDK's servlet transports on an embedded Tomcat, as the
 * SDK's own tests serve it. Arguments: {@code sync} or {@code async}, the port, and optionally
 * {@code sse} for the HTTP+SSE transport (streamable HTTP otherwise). Compiled and run by
 * SdkReleaseMatrixIT.
 */
public final class MatrixHttpServer {

  public static void main(String[] args) throws Exception {
    boolean sse = args.length > 2 && args[2].equals("sse");
    jakarta.servlet.http.HttpServlet transport =
        sse
            ? HttpServletSseServerTransportProvider.builder()
                .jsonMapper(MatrixServer.JSON)
                .sseEndpoint("/sse")
                .messageEndpoint("/mcp/message")
                .build()
            : HttpServletStreamableServerTransportProvider.builder()
                .jsonMapper(MatrixServer.JSON)
                .mcpEndpoint("/mcp")
                .build();
    McpSchema.ServerCapabilities capabilities =
        McpSchema.ServerCapabilities.builder().tools(true).build();
    if (args[0].equals("async")) {
      (sse
              ? McpServer.async((HttpServletSseServerTransportProvider) transport)
              : McpServer.async((HttpServletStreamableServerTransportProvider) transport))
          .serverInfo("matrix", "1.0")
          .capabilities(capabilities)
          .tools(
              MatrixServer.mix().entrySet().stream()
                  .map(e -> MatrixServer.asyncTool(e.getKey(), e.getValue()))
                  .toList())
          .build();
    } else {
      (sse
              ? McpServer.sync((HttpServletSseServerTransportProvider) transport)
              : McpServer.sync((HttpServletStreamableServerTransportProvider) transport))
          .serverInfo("matrix", "1.0")
          .capabilities(capabilities)
          .tools(
              MatrixServer.mix().entrySet().stream()
                  .map(e -> MatrixServer.syncTool(e.getKey(), e.getValue()))
                  .toList())
          .build();
    }
    Path base = Files.createTempDirectory("matrix-tomcat");
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(base.toString());
    tomcat.setPort(Integer.parseInt(args[1]));
    Context context = tomcat.addContext("", base.toString());
    Wrapper servlet = Tomcat.addServlet(context, "mcp", transport);
    servlet.setAsyncSupported(true);
    context.addServletMappingDecoded("/*", "mcp");
    tomcat.getConnector();
    tomcat.start();
    System.err.println("matrix: listening on " + args[1]);
    tomcat.getServer().await();
  }
}
