import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.startup.Tomcat;

/**
 * The compatibility matrix's streamable HTTP server (MCP Java SDK 1.0 on): the tools of {@code
 * MatrixServer} (compiled beside it) behind the SDK's servlet transport on an embedded Tomcat, as
 * the SDK's own tests serve it. Arguments: {@code sync} or {@code async}, then the port. Compiled
 * and run by SdkReleaseMatrixIT.
 */
public final class MatrixHttpServer {

  public static void main(String[] args) throws Exception {
    HttpServletStreamableServerTransportProvider transport =
        HttpServletStreamableServerTransportProvider.builder()
            .jsonMapper(MatrixServer.JSON)
            .mcpEndpoint("/mcp")
            .build();
    McpSchema.ServerCapabilities capabilities =
        McpSchema.ServerCapabilities.builder().tools(true).build();
    if (args[0].equals("async")) {
      McpServer.async(transport)
          .serverInfo("matrix", "1.0")
          .capabilities(capabilities)
          .tools(
              MatrixServer.mix().entrySet().stream()
                  .map(e -> MatrixServer.asyncTool(e.getKey(), e.getValue()))
                  .toList())
          .build();
    } else {
      McpServer.sync(transport)
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
